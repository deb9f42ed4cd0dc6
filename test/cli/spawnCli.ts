// Running the built CLI from tests: to the end (sync or as a promise), or in
// the background to be killed once a file it writes appears.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const cli = join(import.meta.dirname, '../../dist/experiments/cli.js');
const env = () => ({ ...process.env, RELAX_PG_BACKEND: 'wasm' });

function built(): void {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runCli(args: string[], timeout = 120_000): Ran {
  built();
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: env(), timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** The CLI as a promise, so that several runs share the cores. */
export function runCliAsync(args: string[], timeout = 120_000): Promise<Ran> {
  built();
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: env(), timeout });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

export function startCli(args: string[]): ChildProcess {
  built();
  return spawn(process.execPath, [cli, ...args], { stdio: 'ignore', env: env() });
}

/** Wait until `file` exists (or the limit passes), then SIGKILL `child` and wait for it to die. */
export async function killWhen(child: ChildProcess, file: string, limitMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!existsSync(file) && Date.now() - t0 < limitMs && child.exitCode === null) await new Promise((r) => setTimeout(r, 25));
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
  }
}
