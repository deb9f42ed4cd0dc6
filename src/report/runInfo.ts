// What produced a result folder: enough to rerun it and to explain a
// difference between two runs (versions, platform, command line).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { writeJsonAtomic } from './files.js';

export interface Versions {
  relaxPg: string | null;
  node: string;
  v8: string;
  tfjs: string | null;
  tfjsBackendWasm: string | null;
  platform: string;
  cpu: string | null;
}

export interface RunInfo {
  config: object;
  versions: Versions;
  command: string[];
  startedAt: string;
  [key: string]: unknown;
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

let cached: Versions | undefined;

/** Versions of relax-pg, Node, tfjs (read from package.json files; tfjs is not imported). */
export function versions(): Versions {
  cached ??= {
    relaxPg: ownPackageVersion(),
    node: process.versions.node,
    v8: process.versions.v8,
    tfjs: installedVersion('@tensorflow/tfjs'),
    tfjsBackendWasm: installedVersion('@tensorflow/tfjs-backend-wasm'),
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model?.trim() ?? null,
  };
  return { ...cached };
}

/**
 * Write `dir/config.json` = { config, versions, command, startedAt, ...extra }
 * atomically, and return what was written.
 */
export function writeRunInfo(dir: string, config: object, extra: object = {}): RunInfo {
  const info: RunInfo = {
    config,
    versions: versions(),
    command: [...process.argv],
    startedAt: new Date().toISOString(),
    ...extra,
  };
  writeJsonAtomic(join(dir, 'config.json'), info);
  return info;
}

// The source file sits at src/report/ and the compiled one at dist/src/report/,
// so walk up to the nearest package.json named relax-pg instead of fixing a depth.
function ownPackageVersion(): string | null {
  let dir = here;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = readPackage(file);
      if (pkg?.name === 'relax-pg') return typeof pkg.version === 'string' ? pkg.version : null;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

// Optional packages: absent means null, never an error.
function installedVersion(name: string): string | null {
  try {
    const pkg = readPackage(require.resolve(`${name}/package.json`));
    return typeof pkg?.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

function readPackage(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}
