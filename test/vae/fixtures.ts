// Small fake MNIST sets for the VAE tests: IDX files on disk and in-memory splits.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/random/index.js';
import type { Mnist, MnistSplit } from '../../envs/vae/mnist.js';
import { tempDir } from '../helpers.js';

export function idxImages(count: number, rng: Rng, rows = 28, cols = 28, magic = 0x803): Uint8Array {
  const out = new Uint8Array(16 + count * rows * cols);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  view.setUint32(4, count);
  view.setUint32(8, rows);
  view.setUint32(12, cols);
  for (let i = 16; i < out.length; i++) out[i] = rng.next() < 0.7 ? 0 : rng.integer(256);
  return out;
}

export function idxLabels(count: number, rng: Rng, magic = 0x801): Uint8Array {
  const out = new Uint8Array(8 + count);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  view.setUint32(4, count);
  for (let i = 8; i < out.length; i++) out[i] = rng.integer(10);
  return out;
}

/** A folder with the four IDX files (12 training and 6 test images by default). */
export function fakeMnistDir(train = 12, test = 6): string {
  const dir = tempDir('relax-pg-mnist-');
  const rng = new Rng('fake-mnist');
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxImages(train, rng));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxLabels(train, rng));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxImages(test, rng));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxLabels(test, rng));
  return dir;
}

function split(count: number, rng: Rng): MnistSplit {
  const intensities = new Float32Array(count * 784);
  // Blobs of ink in the middle, so the images have structure a VAE can learn.
  for (let i = 0; i < count; i++) {
    const cx = 10 + rng.integer(8);
    const cy = 10 + rng.integer(8);
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) {
      const d2 = (r - cy) ** 2 + (c - cx) ** 2;
      intensities[i * 784 + r * 28 + c] = d2 < 20 ? 0.95 : 0.02;
    }
  }
  return { count, intensities, labels: new Uint8Array(count) };
}

/** In-memory fake MNIST (no file reading). */
export function fakeMnist(train = 200, valid = 40, test = 40): Mnist {
  const rng = new Rng('fake-mnist-memory');
  return { train: split(train, rng), valid: split(valid, rng), test: split(test, rng) };
}
