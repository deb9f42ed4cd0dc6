// AsyncVectorEnv's workers run compiled JavaScript, so its tests compile what they need first:
// envs/ (with the worker script) and the test env module, with this repository's tsc, into a
// temporary folder that resolves packages through a link to node_modules. The tests then import
// AsyncVectorEnv (and the SyncVectorEnv they compare it with) from that build, so real worker
// threads run the same code as in the published package.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Build {
  dir: string;
  /** file: URL of a compiled module, by its source path relative to the repository. */
  url(source: string): string;
  remove(): void;
}

export function buildForWorkers(): Build {
  const dir = mkdtempSync(join(tmpdir(), 'relax-pg-async-'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const config = join(dir, 'tsconfig.json');
  const files = ['envs/index.ts', 'envs/vector/asyncWorker.ts', 'test/envs/stepsEnvs.ts'].map((f) => join(ROOT, f));
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { outDir: dir, rootDir: ROOT, declaration: false, sourceMap: false, noEmitOnError: false },
      include: [],
      files,
    }),
  );
  // Type errors elsewhere in the tree (work in progress) do not stop the emit; a missing output does.
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config], { encoding: 'utf8' });
  const worker = join(dir, 'envs/vector/asyncWorker.js');
  if (!existsSync(worker)) throw new Error(`tsc did not emit ${worker}:\n${tsc.stdout}${tsc.stderr}`);
  return {
    dir,
    url: (source) => pathToFileURL(join(dir, source.replace(/\.ts$/, '.js'))).href,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
