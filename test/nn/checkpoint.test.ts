// The one checkpoint module: a run saved and loaded into fresh objects
// continues bit for bit (Adam's moments and β-powers, the learning rate, the
// random streams), a kill mid-write leaves the previous checkpoint loadable,
// and nothing leaks.
import { describe, it, expect } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf, makeVariable } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { makeOptimizer, setLearningRate, saveCheckpoint, loadCheckpoint, removeStaleTemps, type CheckpointParts } from '../../src/nn/index.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

let id = 0;
function fresh(kind: 'adam' | 'rmsprop'): { w: tf.Variable; opt: tf.Optimizer; rng: Rng; parts: CheckpointParts } {
  const w = makeVariable(() => tf.tensor1d([0.3, -0.7, 1.1]), true, `ckptTest${id++}`);
  const opt = makeOptimizer({ kind, learningRate: 0.05, beta2: 0.99999 });
  const rng = new Rng('ckpt:data');
  return { w, opt, rng, parts: { variables: { w }, optimizers: { opt }, rngs: { data: rng } } };
}

function steps(run: ReturnType<typeof fresh>, n: number): void {
  for (let i = 0; i < n; i++) {
    const target = tf.tensor1d(run.rng.uniforms(3));
    run.opt.minimize(() => tf.sum(tf.square(tf.sub(run.w, target))) as tf.Scalar, false, [run.w]);
    target.dispose();
  }
}

describe('checkpoint', () => {
  for (const kind of ['adam', 'rmsprop'] as const) {
    it(`${kind}: save after N steps, load into fresh objects, M more steps = N + M uninterrupted, bit for bit`, async () => {
      const a = fresh(kind);
      steps(a, 10);
      setLearningRate(a.opt, 0.02); // an adapted rate is part of the state
      const dir = tempDir('relax-pg-ckpt-');
      await saveCheckpoint(dir, a.parts, { step: 10 });
      const b = fresh(kind);
      expect(await loadCheckpoint(dir, b.parts)).toEqual({ step: 10 });
      steps(b, 15);
      const c = fresh(kind);
      steps(c, 10);
      setLearningRate(c.opt, 0.02);
      steps(c, 15);
      expect(Array.from(b.w.dataSync())).toEqual(Array.from(c.w.dataSync()));
      for (const r of [a, b, c]) {
        r.w.dispose();
        r.opt.dispose();
      }
    });
  }

  it('a kill during a write leaves the previous checkpoint; leftovers are removed; bad files are one-line errors; no leaks', async () => {
    const run = fresh('adam');
    steps(run, 3);
    const dir = tempDir('relax-pg-ckpt-');
    const before = tf.memory().numTensors;
    await saveCheckpoint(dir, run.parts, { step: 3 });
    await saveCheckpoint(dir, run.parts, { step: 3 });
    expect(tf.memory().numTensors).toBe(before);
    // What a killed save leaves: a temp file and a newer weights generation that no json names.
    writeFileSync(join(dir, '.checkpoint.json.99.beef.tmp'), '{"half');
    writeFileSync(join(dir, 'checkpoint-zzz-1.bin'), Buffer.from([1, 2, 3]));
    const other = fresh('adam');
    expect(await loadCheckpoint(dir, other.parts)).toEqual({ step: 3 });
    expect(Array.from(other.w.dataSync())).toEqual(Array.from(run.w.dataSync()));
    expect(removeStaleTemps(dir)).toBe(2);
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    writeFileSync(join(dir, 'checkpoint.json'), '{"format": "other"}');
    await expect(loadCheckpoint(dir, other.parts)).rejects.toThrow(UserError);
    for (const r of [run, other]) {
      r.w.dispose();
      r.opt.dispose();
    }
  });
});
