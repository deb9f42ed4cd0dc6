// Runs every bench module in this folder (each exports async bench*() functions
// returning a table or tables) and prints the tables.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTable, type Table } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);

async function main(): Promise<void> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const files = readdirSync(here)
    .filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts') && f !== `run${ext}` && f !== `table${ext}`)
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .sort();
  for (const f of files) {
    const mod = (await import(pathToFileURL(`${here}/${f}`).href)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (!name.startsWith('bench') || typeof fn !== 'function') continue;
      try {
        const result = (await (fn as () => Promise<Table | Table[]>)()) as Table | Table[];
        for (const t of Array.isArray(result) ? result : [result]) console.log(`${formatTable(t)}\n`);
      } catch (e) {
        // One failing bench should not hide the others' tables.
        console.error(`${f} ${name}: ${e instanceof Error ? e.message : String(e)}`);
        process.exitCode = 1;
      }
    }
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
