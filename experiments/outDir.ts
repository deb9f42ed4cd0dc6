// Output folders of the CLI: the default name (results/<kind>/<time>) and a
// check, before anything is written, that a folder can be made and written
// to — so a bad --out is one clear line at once, not a stack trace or a hang
// (Node's recursive mkdir loops forever under /proc).
import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../src/errors.js';

/** The current time as a file-name part, e.g. 2026-01-02T03-04-05. */
export function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

/** results/<kind>/<prefix><time>: where a run goes without --out. */
export function defaultOutDir(kind: string, prefix = ''): string {
  return join('results', kind, `${prefix}${timestamp()}`);
}

/** The folder of a run: --out, or the default; --resume needs --out. */
export function outDirOf(o: { out?: string; resume?: boolean }, kind: string, prefix = ''): string {
  if (o.resume && !o.out) throw new UserError('--resume needs --out (the folder of the run to resume)');
  return o.out ?? defaultOutDir(kind, prefix);
}

/** Make `dir` (and its parents) and check it takes files; a UserError naming the problem otherwise. */
export function prepareOutDir(dir: string, option = '--out'): string {
  const target = resolve(dir);
  // Walk up to the nearest existing ancestor: it must be a folder.
  const missing: string[] = [];
  let at = target;
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) {
    throw new UserError(at === target ? `${option} ${dir} is a file, not a folder` : `${option} ${dir}: ${at} is a file, not a folder`);
  }
  const probe = join(target, `.relax-pg-write-test-${process.pid}.tmp`);
  try {
    for (const m of missing) mkdirSync(m);
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new UserError(`${option} ${dir}: cannot write a folder there (${code})`);
  }
  return dir;
}
