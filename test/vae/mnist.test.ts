// IDX parsing, bad files, splits and binarisation.
import { describe, it, expect } from 'vitest';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { Rng } from '../../src/random/index.js';
import { loadMnist, parseIdxImages, parseIdxLabels, BinaryMnist, PIXELS } from '../../envs/vae/mnist.js';
import { fakeMnistDir, idxImages, idxLabels, fakeMnist } from './fixtures.js';

describe('MNIST IDX files', () => {
  it('parses images and labels and splits 5:1 from the training file', () => {
    const dir = fakeMnistDir(12, 6);
    const m = loadMnist(dir);
    expect([m.train.count, m.valid.count, m.test.count]).toEqual([10, 2, 6]);
    expect(m.train.intensities.length).toBe(10 * PIXELS);
    const raw = parseIdxImages(idxImages(12, new Rng('fake-mnist')));
    expect(m.train.intensities[5]).toBeCloseTo(raw.data[5] / 255, 6);
    // The validation split is the tail of the training file.
    expect(m.valid.intensities[0]).toBeCloseTo(raw.data[10 * PIXELS] / 255, 6);
    expect(Math.max(...m.test.intensities)).toBeLessThanOrEqual(1);
  });

  it('reads the real MNIST as 50,000 / 10,000 / 10,000', () => {
    const m = loadMnist();
    expect([m.train.count, m.valid.count, m.test.count]).toEqual([50_000, 10_000, 10_000]);
    expect(m.train.labels.length).toBe(50_000);
  });

  it('rejects missing and corrupt files with one-line UserErrors', () => {
    const rng = new Rng(1);
    const bad: [Uint8Array, RegExp][] = [
      [idxImages(3, rng, 28, 28, 0x801), /magic number 0x00000801/],
      [idxImages(3, rng, 27, 28), /27×28/],
      [idxImages(3, rng).subarray(0, 100), /bytes, expected/],
      [new Uint8Array(5), /too short/],
    ];
    for (const [bytes, message] of bad) {
      expect(() => parseIdxImages(bytes, 'x')).toThrow(UserError);
      expect(() => parseIdxImages(bytes, 'x')).toThrow(message);
    }
    expect(() => parseIdxLabels(idxLabels(3, rng, 0x803))).toThrow(/magic number/);
    expect(() => parseIdxLabels(idxLabels(3, rng).subarray(0, 9))).toThrow(/bytes, expected/);
    const dir = fakeMnistDir();
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxLabels(5, rng));
    expect(() => loadMnist(dir)).toThrow(/6 test images but 5 labels/);
    rmSync(join(dir, 'train-images-idx3-ubyte'));
    const missing = (() => {
      try {
        loadMnist(dir);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(missing).toBeInstanceOf(UserError);
    expect(missing!.message).toMatch(/MNIST file missing: .*train-images-idx3-ubyte/);
    expect(missing!.message).not.toContain('\n');
  });
});

describe('binarisation', () => {
  it('fixed binarisation is a deterministic function of the seed', () => {
    const source = fakeMnist(30, 10, 10);
    const a = new BinaryMnist(source, 'fixed', 7);
    const b = new BinaryMnist(source, 'fixed', 7);
    const c = new BinaryMnist(source, 'fixed', 8);
    expect(a.train).toEqual(b.train);
    expect(a.valid).toEqual(b.valid);
    expect(a.train).not.toEqual(c.train);
    expect(new Set(a.train)).toEqual(new Set([0, 1]));
    // The mean is that of the binarised training images.
    let s = 0;
    for (let i = 0; i < 30; i++) s += a.train[i * PIXELS + 14 * 28 + 14];
    expect(a.trainMean[14 * 28 + 14]).toBeCloseTo(s / 30, 6);
    // Batches of a fixed set are rows of it.
    expect(a.trainBatch([3], new Rng(0))).toEqual(a.train.subarray(3 * PIXELS, 4 * PIXELS));
  });

  it('dynamic binarisation redraws training batches and keeps evaluation sets fixed', () => {
    const source = fakeMnist(30, 10, 10);
    const d = new BinaryMnist(source, 'dynamic', 7);
    const rng = new Rng(3);
    const first = d.trainBatch([0, 1, 2], rng);
    const second = d.trainBatch([0, 1, 2], rng);
    expect(first).not.toEqual(second);
    expect(new Set(first)).toEqual(new Set([0, 1]));
    expect(d.valid).toEqual(new BinaryMnist(source, 'dynamic', 7).valid);
  });
});
