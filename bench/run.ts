// Runs every bench module in this folder (each exports async bench*() functions
// returning a table or tables) and prints the tables. Positional arguments
// filter modules by name (vae, estimators, agents, envs).
//
//   --peer            instead: each workload against its PyTorch peer (bench/peer/),
//                     interleaved rounds, relax-pg ms, peer ms, median ratio (bench/ratio/)
//   --json [file]     the comparison and the modules' figures as one flat JSON object
//                     (stdout, tables then go to stderr; or the file)
//   --rounds N, --round-ms N, --python CMD   rounds per workload, target ms per round, the peers' python
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTable, type Table } from './table.js';
import { ArgsError, moduleSelected, parseArgs, type BenchArgs } from './ratio/args.js';
import { flattenTable, type JsonObject } from './ratio/keys.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Every selected module's bench*() tables, handed to `onTable` as they come. */
async function runModules(only: string[], onTable: (module: string, t: Table) => void): Promise<void> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const files = readdirSync(here)
    .filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts') && f !== `run${ext}` && f !== `table${ext}`)
    .filter((f) => moduleSelected(f, only))
    .sort();
  for (const f of files) {
    const mod = (await import(pathToFileURL(`${here}/${f}`).href)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (!name.startsWith('bench') || typeof fn !== 'function') continue;
      try {
        const result = (await (fn as () => Promise<Table | Table[]>)()) as Table | Table[];
        for (const t of Array.isArray(result) ? result : [result]) onTable(f.slice(0, -ext.length), t);
      } catch (e) {
        // One failing bench should not hide the others' tables.
        console.error(`${f} ${name}: ${e instanceof Error ? e.message : String(e)}`);
        process.exitCode = 1;
      }
    }
  }
}

async function compare(args: BenchArgs): Promise<void> {
  const { runComparison } = await import('./ratio/compare.js');
  // With JSON on stdout, everything human goes to stderr.
  const print = args.json && !args.jsonFile ? (s: string) => console.error(s) : (s: string) => console.log(s);
  const json: JsonObject = await runComparison(args, print);
  if (!args.json) return;
  await runModules(args.only, (module, t) => {
    print(`${formatTable(t)}\n`);
    Object.assign(json, flattenTable(module, t));
  });
  const text = `${JSON.stringify(json, null, 1)}\n`;
  if (args.jsonFile) {
    writeFileSync(args.jsonFile, text);
    print(`wrote ${args.jsonFile} (${Object.keys(json).length} keys)`);
  } else process.stdout.write(text);
}

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ArgsError)) throw e;
    console.error(e.message);
    process.exit(2);
  }
  if (args.peer || args.json) await compare(args);
  else await runModules(args.only, (_, t) => console.log(`${formatTable(t)}\n`));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
