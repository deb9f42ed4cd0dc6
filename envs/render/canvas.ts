// A small software rasteriser on an RGBA buffer: filled polygons, anti-aliased lines, circles.
// Enough to draw Gymnasium-style pictures without a native canvas; reusable by any env.
import type { RgbFrame } from '../core/env.js';

/** RGB or RGBA, 0–255 each (alpha defaults to 255). */
export type Color = readonly [number, number, number] | readonly [number, number, number, number];
export type Point = readonly [number, number];

/** Rotate (x, y) by `angle` radians counter-clockwise (in a y-up frame), as pygame's Vector2.rotate_rad. */
export function rotate(p: Point, angle: number): [number, number] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [p[0] * c - p[1] * s, p[0] * s + p[1] * c];
}

/**
 * Pixel (i, j) covers [i, i+1) × [j, j+1); row 0 is the top of the image unless you draw in a
 * y-up frame and call `flipY()` at the end (how Gymnasium's pygame renderers work).
 */
export class Canvas {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;

  constructor(width: number, height: number, background: Color = [255, 255, 255]) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new RangeError(`canvas size must be positive integers, got ${width}×${height}`);
    }
    this.width = width;
    this.height = height;
    this.data = new Uint8ClampedArray(width * height * 4);
    this.clear(background);
  }

  clear(color: Color): void {
    const [r, g, b] = color;
    const a = color[3] ?? 255;
    const d = this.data;
    for (let i = 0; i < d.length; i += 4) {
      d[i] = r;
      d[i + 1] = g;
      d[i + 2] = b;
      d[i + 3] = a;
    }
  }

  /** Blend `color` into pixel (x, y) with coverage `alpha` in [0, 1]; outside pixels are ignored. */
  blend(x: number, y: number, color: Color, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const a = alpha * ((color[3] ?? 255) / 255);
    if (a <= 0) return;
    const i = (y * this.width + x) * 4;
    const d = this.data;
    if (a >= 1) {
      d[i] = color[0];
      d[i + 1] = color[1];
      d[i + 2] = color[2];
      d[i + 3] = 255;
      return;
    }
    d[i] = d[i]! + (color[0] - d[i]!) * a;
    d[i + 1] = d[i + 1]! + (color[1] - d[i + 1]!) * a;
    d[i + 2] = d[i + 2]! + (color[2] - d[i + 2]!) * a;
    d[i + 3] = Math.max(d[i + 3]!, 255 * a);
  }

  /**
   * Fill a polygon (any simple or self-intersecting one, even–odd rule) with anti-aliased edges:
   * each pixel row is sampled at 4 sub-rows and coverage is accumulated per pixel.
   */
  fillPolygon(points: readonly Point[], color: Color): void {
    const n = points.length;
    if (n < 3) return;
    let minY = Infinity;
    let maxY = -Infinity;
    let minX = Infinity;
    let maxX = -Infinity;
    for (const [x, y] of points) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
    }
    const y0 = Math.max(0, Math.floor(minY));
    const y1 = Math.min(this.height - 1, Math.ceil(maxY));
    const x0 = Math.max(0, Math.floor(minX));
    const x1 = Math.min(this.width - 1, Math.ceil(maxX));
    if (y0 > y1 || x0 > x1) return;
    const span = x1 - x0 + 1;
    const cover = new Float32Array(span);
    const xs: number[] = [];
    const SUB = 4;
    for (let py = y0; py <= y1; py++) {
      cover.fill(0);
      let any = false;
      for (let s = 0; s < SUB; s++) {
        const sy = py + (s + 0.5) / SUB;
        xs.length = 0;
        for (let i = 0; i < n; i++) {
          const [ax, ay] = points[i]!;
          const [bx, by] = points[(i + 1) % n]!;
          if (ay <= sy !== by <= sy) xs.push(ax + ((sy - ay) / (by - ay)) * (bx - ax));
        }
        if (xs.length < 2) continue;
        xs.sort((p, q) => p - q);
        for (let k = 0; k + 1 < xs.length; k += 2) {
          const l = Math.max(xs[k]!, x0);
          const r = Math.min(xs[k + 1]!, x1 + 1);
          if (r <= l) continue;
          any = true;
          // Exact horizontal coverage of [l, r) within each pixel column.
          const il = Math.floor(l);
          const ir = Math.min(Math.floor(r), x1);
          if (il === ir) {
            cover[il - x0] = cover[il - x0]! + (r - l) / SUB;
            continue;
          }
          cover[il - x0] = cover[il - x0]! + (il + 1 - l) / SUB;
          for (let c = il + 1; c < ir; c++) cover[c - x0] = cover[c - x0]! + 1 / SUB;
          if (ir - x0 < span) cover[ir - x0] = cover[ir - x0]! + (r - ir) / SUB;
        }
      }
      if (!any) continue;
      for (let c = 0; c < span; c++) {
        const a = cover[c]!;
        if (a > 0.001) this.blend(x0 + c, py, color, Math.min(1, a));
      }
    }
  }

  /** Filled disc centred at (cx, cy) with radius r, anti-aliased at the rim. */
  fillCircle(cx: number, cy: number, r: number, color: Color): void {
    if (!(r > 0) || !Number.isFinite(cx) || !Number.isFinite(cy)) return;
    const y0 = Math.max(0, Math.floor(cy - r - 1));
    const y1 = Math.min(this.height - 1, Math.ceil(cy + r + 1));
    const x0 = Math.max(0, Math.floor(cx - r - 1));
    const x1 = Math.min(this.width - 1, Math.ceil(cx + r + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        const a = r + 0.5 - d; // 1 inside, fading over the last pixel
        if (a > 0) this.blend(x, y, color, Math.min(1, a));
      }
    }
  }

  /** Anti-aliased line of the given width (width ≤ 1: a one-pixel Wu line). */
  line(ax: number, ay: number, bx: number, by: number, color: Color, width = 1): void {
    if (![ax, ay, bx, by].every(Number.isFinite)) return;
    if (width > 1) {
      const len = Math.hypot(bx - ax, by - ay);
      if (len === 0) return this.fillCircle(ax, ay, width / 2, color);
      const nx = (-(by - ay) / len) * (width / 2);
      const ny = ((bx - ax) / len) * (width / 2);
      this.fillPolygon(
        [
          [ax + nx, ay + ny],
          [bx + nx, by + ny],
          [bx - nx, by - ny],
          [ax - nx, ay - ny],
        ],
        color,
      );
      return;
    }
    // Xiaolin Wu's algorithm on pixel centres.
    ax -= 0.5;
    ay -= 0.5;
    bx -= 0.5;
    by -= 0.5;
    const steep = Math.abs(by - ay) > Math.abs(bx - ax);
    if (steep) {
      [ax, ay] = [ay, ax];
      [bx, by] = [by, bx];
    }
    if (ax > bx) {
      [ax, bx] = [bx, ax];
      [ay, by] = [by, ay];
    }
    const dx = bx - ax;
    const grad = dx === 0 ? 1 : (by - ay) / dx;
    const plot = (x: number, y: number, c: number) => (steep ? this.blend(y, x, color, c) : this.blend(x, y, color, c));
    const xs = Math.round(ax);
    const xe = Math.round(bx);
    for (let x = xs; x <= xe; x++) {
      const y = ay + grad * (x - ax);
      const fy = Math.floor(y);
      const f = y - fy;
      plot(x, fy, 1 - f);
      plot(x, fy + 1, f);
    }
  }

  /** Connected line segments through `points`. */
  polyline(points: readonly Point[], color: Color, width = 1, closed = false): void {
    for (let i = 0; i + 1 < points.length; i++) {
      const [ax, ay] = points[i]!;
      const [bx, by] = points[i + 1]!;
      this.line(ax, ay, bx, by, color, width);
    }
    if (closed && points.length > 2) {
      const [ax, ay] = points[points.length - 1]!;
      const [bx, by] = points[0]!;
      this.line(ax, ay, bx, by, color, width);
    }
  }

  /** One-pixel horizontal line on row y from x0 to x1 inclusive (pygame's gfxdraw.hline). */
  hline(x0: number, x1: number, y: number, color: Color): void {
    const yy = Math.floor(y);
    for (let x = Math.max(0, Math.floor(Math.min(x0, x1))); x <= Math.min(this.width - 1, Math.max(x0, x1)); x++) {
      this.blend(x, yy, color);
    }
  }

  /** One-pixel vertical line in column x from y0 to y1 inclusive (pygame's gfxdraw.vline). */
  vline(x: number, y0: number, y1: number, color: Color): void {
    const xx = Math.floor(x);
    for (let y = Math.max(0, Math.floor(Math.min(y0, y1))); y <= Math.min(this.height - 1, Math.max(y0, y1)); y++) {
      this.blend(xx, y, color);
    }
  }

  /** Mirror the image top to bottom (draw in a y-up frame, then flip, as Gymnasium does). */
  flipY(): void {
    const row = this.width * 4;
    const tmp = new Uint8ClampedArray(row);
    const d = this.data;
    for (let top = 0, bot = this.height - 1; top < bot; top++, bot--) {
      tmp.set(d.subarray(top * row, top * row + row));
      d.copyWithin(top * row, bot * row, bot * row + row);
      d.set(tmp, bot * row);
    }
  }

  /** The picture as an RgbFrame (sharing this canvas's buffer). */
  toFrame(): RgbFrame {
    return { width: this.width, height: this.height, data: this.data };
  }
}
