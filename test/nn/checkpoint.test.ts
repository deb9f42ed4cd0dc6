// The one checkpoint module: a run saved and loaded into fresh objects
// continues bit for bit (optimiser moments, Adam's β-powers, the iteration
// count, the learning rate, the random streams), a kill mid-write leaves the
// previous checkpoint loadable, bad files and mismatched models are one-line
// UserErrors, and nothing leaks.
import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf, makeVariable } from '../../src/tf/index.js';
import { Rng, stream } from '../../src/random/index.js';
import {
  makeOptimizer,
  setLearningRate,
  getLearningRate,
  saveCheckpoint,
  loadCheckpoint,
  hasCheckpoint,
  removeStaleTemps,
  type CheckpointParts,
} from '../../src/nn/index.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

type Kind = 'adam' | 'rmsprop' | 'sgd';
interface Run {
  w: tf.Variable;
  b: tf.Variable;
  opt: tf.Optimizer;
  rng: Rng;
  parts: CheckpointParts;
}

let id = 0;
function fresh(kind: Kind, shape = 3): Run {
  const w = makeVariable(() => tf.linspace(-0.7, 1.1, shape), true, `ckptTestW${id++}`);
  const b = makeVariable(() => tf.scalar(0.25), true, `ckptTestB${id++}`);
  // β near 1: βᵗ rebuilt with pow() would differ from the running product.
  const opt = makeOptimizer({ kind, learningRate: 0.05, beta1: 0.97, beta2: 0.99999 });
  const rng = stream(7, 'ckpt:data');
  return { w, b, opt, rng, parts: { variables: { w, b }, optimizers: { opt }, rngs: { data: rng } } };
}

function steps(run: Run, n: number): void {
  for (let i = 0; i < n; i++) {
    const target = tf.tensor1d(run.rng.uniforms(run.w.shape[0]!));
    run.opt.minimize(() => tf.sum(tf.square(tf.sub(tf.add(run.w, run.b), target))) as tf.Scalar, false, [run.w, run.b]);
    target.dispose();
  }
}

const values = (run: Run) => [...run.w.dataSync(), ...run.b.dataSync()];
function dispose(...runs: Run[]): void {
  for (const r of runs) {
    r.w.dispose();
    r.b.dispose();
    r.opt.dispose();
  }
}

describe('checkpoint', () => {
  for (const kind of ['adam', 'rmsprop', 'sgd'] as const) {
    it(`${kind}: save after N steps, load into fresh objects, M more steps = N + M uninterrupted, bit for bit`, async () => {
      const a = fresh(kind);
      steps(a, 10);
      setLearningRate(a.opt, 0.02); // an adapted rate is part of the state
      const dir = tempDir('relax-pg-ckpt-');
      await saveCheckpoint(dir, a.parts, { step: 10, note: 'x' });
      const b = fresh(kind);
      expect(await loadCheckpoint(dir, b.parts)).toEqual({ step: 10, note: 'x' });
      expect(getLearningRate(b.opt)).toBe(0.02);
      steps(b, 15);
      const c = fresh(kind);
      steps(c, 10);
      setLearningRate(c.opt, 0.02);
      steps(c, 15);
      expect(values(b)).toEqual(values(c));
      // The test can fail: the uninterrupted run is not where it started.
      expect(values(c)).not.toEqual(values(fresh(kind)));
      dispose(a, b, c);
    });
  }

  it("adam: the β-powers matter (tfjs's own setWeights alone would drift)", async () => {
    const a = fresh('adam');
    steps(a, 40);
    const dir = tempDir('relax-pg-ckpt-');
    await saveCheckpoint(dir, a.parts, null);
    const b = fresh('adam');
    await loadCheckpoint(dir, b.parts);
    // Emulate a checkpoint without the exact powers: what tfjs's setWeights leaves.
    const plain = fresh('adam');
    plain.rng.setState(a.rng.state());
    plain.w.assign(a.w);
    plain.b.assign(a.b);
    const weights = await a.opt.getWeights();
    await plain.opt.setWeights(weights.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
    weights[0]!.tensor.dispose();
    steps(a, 20);
    steps(b, 20);
    steps(plain, 20);
    expect(values(b)).toEqual(values(a));
    expect(values(plain)).not.toEqual(values(a));
    dispose(a, b, plain);
  });

  it('rng: setState restores in place (holders see it) and the stream continues identically after a load', async () => {
    const r = new Rng('s');
    const held = r; // e.g. an env holding the trainer's stream
    r.uniforms(5);
    const s = r.state();
    const next = Array.from(r.uniforms(4));
    r.uniforms(100);
    r.setState(s);
    expect(Array.from(held.uniforms(4))).toEqual(next);
    // The restored stream copies the state: changing the caller's object afterwards does nothing.
    r.setState(s);
    s.c = 999;
    expect(Array.from(r.uniforms(4))).toEqual(next);

    const a = fresh('sgd');
    steps(a, 3);
    const dir = tempDir('relax-pg-ckpt-');
    await saveCheckpoint(dir, a.parts, null);
    const b = fresh('sgd');
    const holder = b.rng;
    await loadCheckpoint(dir, b.parts);
    expect(Array.from(holder.uniforms(6))).toEqual(Array.from(a.rng.uniforms(6)));
    dispose(a, b);
  });

  it('a kill during a write leaves the previous checkpoint; removeStaleTemps removes the leftovers', async () => {
    const run = fresh('adam');
    steps(run, 3);
    const dir = tempDir('relax-pg-ckpt-');
    await saveCheckpoint(dir, run.parts, { step: 3 });
    const saved = values(run);
    await saveCheckpoint(dir, run.parts, { step: 3 });
    // Only the current generation is left after a save.
    expect(readdirSync(dir).sort()).toHaveLength(2);
    // What a save killed before its json leaves: temps of the weights and the
    // json (as writeFileAtomic names them) and a newer generation no json names.
    steps(run, 2);
    writeFileSync(join(dir, `.checkpoint.json.${process.pid}.0badbeef.tmp`), '{"half');
    writeFileSync(join(dir, '.checkpoint-zz9-00aa.bin.4242.12345678.tmp'), Buffer.from([9]));
    writeFileSync(join(dir, 'checkpoint-zzzzzz-ffffffff.bin'), Buffer.from([1, 2, 3]));
    writeFileSync(join(dir, 'other.txt'), 'kept');
    writeFileSync(join(dir, 'best-abc-def.bin'), 'another checkpoint name: kept');
    const other = fresh('adam');
    expect(await loadCheckpoint(dir, other.parts)).toEqual({ step: 3 });
    expect(values(other)).toEqual(saved);
    expect(removeStaleTemps(dir)).toBe(3);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.startsWith('checkpoint-'))).toHaveLength(1);
    expect(existsSync(join(dir, 'other.txt')) && existsSync(join(dir, 'best-abc-def.bin'))).toBe(true);
    expect(removeStaleTemps(dir)).toBe(0);
    const again = fresh('adam');
    expect(await loadCheckpoint(dir, again.parts)).toEqual({ step: 3 });
    dispose(run, other, again);
  });

  it('named checkpoints share a folder without touching each other', async () => {
    const run = fresh('adam');
    const dir = tempDir('relax-pg-ckpt-');
    await saveCheckpoint(dir, run.parts, 'a', { name: 'agent' });
    await saveCheckpoint(dir, run.parts, 'b');
    await saveCheckpoint(dir, run.parts, 'c', { name: 'agent' });
    expect(hasCheckpoint(dir) && hasCheckpoint(dir, { name: 'agent' }) && !hasCheckpoint(dir, { name: 'x' })).toBe(true);
    expect(await loadCheckpoint(dir, run.parts)).toBe('b');
    expect(await loadCheckpoint(dir, run.parts, { name: 'agent' })).toBe('c');
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(2);
    dispose(run);
  });

  it('missing, corrupt or foreign json and a mismatched model are one-line UserErrors that change nothing', async () => {
    const run = fresh('adam');
    steps(run, 2);
    const dir = tempDir('relax-pg-ckpt-');
    const oneLine = async (p: Promise<unknown>) => {
      const err = await p.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).not.toContain('\n');
      return (err as Error).message;
    };
    expect(await oneLine(loadCheckpoint(dir, run.parts))).toMatch(/not found/);
    await saveCheckpoint(dir, run.parts, null);

    const wide = fresh('adam', 4);
    const before = values(wide);
    expect(await oneLine(loadCheckpoint(dir, wide.parts))).toMatch(/shape/);
    expect(values(wide)).toEqual(before);
    const renamed = fresh('adam');
    expect(await oneLine(loadCheckpoint(dir, { ...renamed.parts, variables: { w: renamed.w, c: renamed.b } }))).toMatch(/lacks: b|no variable/);
    expect(await oneLine(loadCheckpoint(dir, { ...renamed.parts, optimizers: { other: renamed.opt } }))).toMatch(/optimiser 'other'/);
    const rms = fresh('rmsprop');
    expect(await oneLine(loadCheckpoint(dir, rms.parts))).toMatch(/Adam/);
    expect(await oneLine(loadCheckpoint(dir, { ...renamed.parts, rngs: { env: new Rng(1) } }))).toMatch(/random stream 'env'/);

    const bin = readdirSync(dir).find((f) => f.endsWith('.bin'))!;
    writeFileSync(join(dir, bin), Buffer.from([1, 2, 3]));
    expect(await oneLine(loadCheckpoint(dir, renamed.parts))).toMatch(/corrupt weights/);
    writeFileSync(join(dir, 'checkpoint.json'), '{"format": "relax-pg-checkp');
    expect(await oneLine(loadCheckpoint(dir, renamed.parts))).toMatch(/not valid JSON/);
    expect(removeStaleTemps(dir)).toBe(0); // generations stay while the json is unreadable
    writeFileSync(join(dir, 'checkpoint.json'), '{"format": "other"}');
    expect(await oneLine(loadCheckpoint(dir, renamed.parts))).toMatch(/not a relax-pg checkpoint/);
    dispose(run, wide, renamed, rms);
  });

  it('no tensor leaks over save/load cycles, also when loading into an optimiser that has stepped', async () => {
    for (const kind of ['adam', 'rmsprop', 'sgd'] as const) {
      const run = fresh(kind);
      steps(run, 2);
      const dir = tempDir('relax-pg-ckpt-');
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        await saveCheckpoint(dir, run.parts, { i });
        await loadCheckpoint(dir, run.parts);
        steps(run, 1);
      }
      expect(tf.memory().numTensors).toBe(before);
      dispose(run);
    }
  });
});
