// A user's script that imports relax-pg and then fails must fail the way Node
// programs do (its own error and stack, exit code 1), not with exit code 7
// under the wasm module's `throw ex;` (its process-wide handlers are removed).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../helpers.js';

const entry = join(import.meta.dirname, '../../dist/src/index.js');

function script(body: string) {
  if (!existsSync(entry)) throw new Error('dist/ is missing: run `npm run build`');
  const file = join(tempDir('relax-pg-uncaught-'), 'user.mjs');
  writeFileSync(file, `import { tf } from '${pathToFileURL(entry).href}';\nawait tf.ready();\n${body}\n`);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, RELAX_PG_BACKEND: 'wasm' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('uncaught errors after importing relax-pg', () => {
  it('a thrown error exits 1 with its own message and no `throw ex;`', () => {
    const r = script("console.log(tf.getBackend(), process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection'));\nthrow new Error('boom from the user');");
    expect(r.stdout.trim()).toBe('wasm 0 0');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error: boom from the user/);
    expect(r.stderr).not.toMatch(/throw ex;|tf-backend-wasm/);
  });

  it('an unhandled rejection exits 1 the same way', () => {
    const r = script("Promise.reject(new Error('rejected by the user'));");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rejected by the user/);
    expect(r.stderr).not.toMatch(/throw ex;|throw reason;/);
  });

  it("the user's own handlers are left alone", () => {
    const r = script("process.on('uncaughtException', (e) => { console.log('handled', e.message); process.exit(3); });\nthrow new Error('mine');");
    expect(r.stdout).toMatch(/handled mine/);
    expect(r.code).toBe(3);
  });
});
