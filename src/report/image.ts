// Grayscale image grids (e.g. VAE inputs and reconstructions side by side).
import { PNG } from 'pngjs';
import { writeFileAtomic } from './files.js';

export interface ImageGridOptions {
  /** Size of one image in pixels. */
  width: number;
  height: number;
  /** Images per row; default ⌈√n⌉. */
  columns?: number;
  /** Integer upscaling of each pixel (nearest neighbour); default 1. */
  scale?: number;
  /** Gap between cells in output pixels, drawn mid-grey; default 0. */
  padding?: number;
}

/**
 * Lay out grayscale images (row-major, values in [0, 1], clamped; NaN as 0)
 * in a grid and return the PNG bytes. Output size:
 * columns·width·scale + (columns − 1)·padding by rows·height·scale + (rows − 1)·padding.
 */
export function imageGridPng(images: readonly ArrayLike<number>[], options: ImageGridOptions): Uint8Array {
  const { width, height } = options;
  const scale = options.scale ?? 1;
  const padding = options.padding ?? 0;
  if (images.length === 0) throw new Error('imageGrid: no images');
  for (const [name, v] of [['width', width], ['height', height], ['scale', scale]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`imageGrid: ${name} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(padding) || padding < 0) throw new Error(`imageGrid: padding must be a non-negative integer, got ${padding}`);
  const columns = Math.min(options.columns ?? Math.ceil(Math.sqrt(images.length)), images.length);
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`imageGrid: columns must be a positive integer, got ${columns}`);
  const rows = Math.ceil(images.length / columns);
  const cellW = width * scale;
  const cellH = height * scale;
  const outW = columns * cellW + (columns - 1) * padding;
  const outH = rows * cellH + (rows - 1) * padding;

  const png = new PNG({ width: outW, height: outH, colorType: 0, inputColorType: 6, bitDepth: 8 });
  // Start grey so padding and the empty cells of a last, partial row read as background.
  png.data.fill(128);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;

  images.forEach((img, k) => {
    if (img.length !== width * height) {
      throw new Error(`imageGrid: image ${k} has ${img.length} values, expected ${width}×${height} = ${width * height}`);
    }
    const ox = (k % columns) * (cellW + padding);
    const oy = Math.floor(k / columns) * (cellH + padding);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = img[y * width + x]!;
        const g = Number.isNaN(v) ? 0 : Math.round(Math.min(1, Math.max(0, v)) * 255);
        for (let dy = 0; dy < scale; dy++) {
          let p = ((oy + y * scale + dy) * outW + ox + x * scale) * 4;
          for (let dx = 0; dx < scale; dx++, p += 4) {
            png.data[p] = g;
            png.data[p + 1] = g;
            png.data[p + 2] = g;
          }
        }
      }
    }
  });
  return new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 6, bitDepth: 8 }));
}

/** Write an image grid PNG atomically (see imageGridPng for the layout). */
export function writeImageGrid(path: string, images: readonly ArrayLike<number>[], options: ImageGridOptions): void {
  writeFileAtomic(path, imageGridPng(images, options));
}
