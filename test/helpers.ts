// Small statistics helpers for the Monte Carlo tests, and temporary folders.
import { afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tempDirs: string[] = [];
// Each test file gets its own copy of this module, so this removes the
// folders made by that file once all its tests have run.
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the OS temp dir, deleted after the test file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function meanOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

export function varianceOf(xs: ArrayLike<number>): number {
  const m = meanOf(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / (xs.length - 1);
}

/** Standard error of the difference of two independent sample means. */
export function seOfMeanDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.sqrt(varianceOf(a) / a.length + varianceOf(b) / b.length);
}

/** Fraction of xs at or below c. */
export function cdfAt(xs: ArrayLike<number>, c: number): number {
  let k = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] <= c) k++;
  return k / xs.length;
}

/** Standard error of the difference of two empirical CDF values (binomial). */
export function seOfCdfDiff(p1: number, n1: number, p2: number, n2: number): number {
  return Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2) + 1e-12;
}
