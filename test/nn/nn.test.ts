// Networks, initialisers, optimisers and the TensorFlow.js weights format.
import { describe, it, expect } from 'vitest';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { Mlp, orthogonal, makeOptimizer, saveWeights, loadWeights, assignWeights } from '../../src/nn/index.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

describe('nn', () => {
  it('orthogonal initialisation gives orthonormal rows (fanIn ≤ fanOut) or columns', () => {
    for (const [fanIn, fanOut] of [
      [4, 10],
      [10, 4],
    ]) {
      const w = orthogonal(new Rng(1), fanIn, fanOut);
      const rows = fanIn <= fanOut;
      const k = Math.min(fanIn, fanOut);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          let dot = 0;
          for (let i = 0; i < Math.max(fanIn, fanOut); i++) {
            dot += rows ? w[a * fanOut + i] * w[b * fanOut + i] : w[i * fanOut + a] * w[i * fanOut + b];
          }
          expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
        }
      }
    }
  });

  it('same seed, same weights; the MLP computes tanh(xW0 + b0)W1 + b1', () => {
    const a = new Mlp({ sizes: [3, 5, 2], activation: 'tanh' }, new Rng(7));
    const b = new Mlp({ sizes: [3, 5, 2], activation: 'tanh' }, new Rng(7));
    expect(Array.from(a.weights[0].dataSync())).toEqual(Array.from(b.weights[0].dataSync()));
    const x = tf.tensor2d([[0.1, -0.2, 0.3]]);
    const manual = tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, a.weights[0]), a.biases[0])), a.weights[1]), a.biases[1]);
    expect(Array.from(a.apply(x).dataSync())).toEqual(Array.from(manual.dataSync()));
  });

  it('Adam and RMSProp minimise a quadratic; bad learning rates are user errors', () => {
    for (const kind of ['adam', 'rmsprop'] as const) {
      const w = tf.variable(tf.tensor1d([3, -2]));
      const opt = makeOptimizer({ kind, learningRate: 0.05 });
      for (let i = 0; i < 400; i++) opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
      expect(Math.max(...Array.from(w.dataSync()).map(Math.abs))).toBeLessThan(0.1);
      opt.dispose();
    }
    expect(() => makeOptimizer({ kind: 'adam', learningRate: -1 })).toThrow(UserError);
  });

  it('weights round-trip through the TensorFlow.js format and tf.io.decodeWeights', async () => {
    const dir = tempDir('relax-pg-weights-');
    const net = new Mlp({ sizes: [4, 6, 2], activation: 'relu' }, new Rng(3));
    const manifest = await saveWeights(dir, net.namedVariables('policy/'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect(manifest[0].weights.map((w) => w.name)).toEqual(['policy/w0', 'policy/b0', 'policy/w1', 'policy/b1']);
    // The stock tfjs decoder reads the same bytes.
    const bin = readFileSync(join(dir, 'weights.bin'));
    const decoded = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights);
    expect(Array.from(decoded['policy/w1'].dataSync())).toEqual(Array.from(net.weights[1].dataSync()));
    const other = new Mlp({ sizes: [4, 6, 2], activation: 'relu' }, new Rng(99));
    assignWeights(other.namedVariables('policy/'), loadWeights(dir, manifest));
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    expect(Array.from(other.apply(x).dataSync())).toEqual(Array.from(net.apply(x).dataSync()));
    // A truncated file and a missing entry are clear user errors.
    writeFileSync(join(dir, 'weights.bin'), bin.subarray(0, 10));
    expect(() => loadWeights(dir, manifest)).toThrow(/corrupt weights/);
    const wrong = new Mlp({ sizes: [4, 7, 2], activation: 'relu' }, new Rng(1));
    expect(() => assignWeights(wrong.namedVariables('policy/'), decoded)).toThrow(/shape/);
    expect(() => assignWeights(wrong.namedVariables('value/'), decoded)).toThrow(/no entry/);
  });
});
