import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { writeImageGrid } from '../../src/report/image.js';
import { tempDir } from '../helpers.js';

describe('writeImageGrid', () => {
  it('lays images out in a grid with the expected size and values', () => {
    const path = join(tempDir('relax-pg-img-'), 'sub', 'grid.png');
    const black = new Float32Array(4 * 3); // 4 wide, 3 high
    const white = new Float32Array(4 * 3).fill(1);
    const ramp = Float32Array.from({ length: 12 }, (_, i) => (i === 0 ? Number.NaN : i === 1 ? 2 : i === 2 ? -1 : 0.5));
    writeImageGrid(path, [black, white, ramp], { width: 4, height: 3, columns: 2, scale: 2, padding: 1 });
    const png = PNG.sync.read(readFileSync(path));
    // 2 columns of 8 px + 1 px gap; 2 rows of 6 px + 1 px gap.
    expect(png.width).toBe(17);
    expect(png.height).toBe(13);
    const at = (x: number, y: number) => png.data[(y * png.width + x) * 4]!;
    expect(at(0, 0)).toBe(0); // black image
    expect(at(9, 0)).toBe(255); // white image, after the gap
    expect(at(8, 0)).toBe(128); // gap
    expect(at(0, 7)).toBe(0); // NaN → 0
    expect(at(2, 7)).toBe(255); // 2 clamps to 1
    expect(at(4, 7)).toBe(0); // −1 clamps to 0
    expect(at(6, 7)).toBe(128); // 0.5
    expect(at(12, 10)).toBe(128); // empty last cell
  });

  it('rejects images of the wrong size', () => {
    const path = join(tempDir('relax-pg-img-'), 'grid.png');
    expect(() => writeImageGrid(path, [new Float32Array(5)], { width: 2, height: 2, columns: 1 })).toThrow(/expected 2×2/);
  });
});
