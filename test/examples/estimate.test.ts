// examples/estimate.mjs as a user runs it, at two lengths: the tensors left
// at the end must not grow with the number of steps (it leaked 10 a step).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../helpers.js';

const example = join(import.meta.dirname, '../../examples/estimate.mjs');
const entry = join(import.meta.dirname, '../../dist/src/index.js');

function tensorsAfter(steps: number): number {
  if (!existsSync(entry)) throw new Error('dist/ is missing: run `npm run build`');
  const source = readFileSync(example, 'utf8');
  expect(source).toMatch(/step <= 500/);
  const changed =
    source.replace("from 'relax-pg'", `from '${pathToFileURL(entry).href}'`).replace('step <= 500', `step <= ${steps}`) +
    "\nconsole.log('TENSORS', tf.memory().numTensors);\n";
  const file = join(tempDir('relax-pg-example-'), 'estimate.mjs');
  writeFileSync(file, changed);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, RELAX_PG_BACKEND: 'wasm' }, timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return Number(/TENSORS (\d+)/.exec(r.stdout)![1]);
}

describe('examples/estimate.mjs', () => {
  it('keeps the number of tensors flat over its steps', () => {
    expect(tensorsAfter(120)).toBe(tensorsAfter(20));
  });
});
