// exp, log and log(1 + e) on f32x4 as WebAssembly text, for the fused
// step's per-element loops (a JavaScript Math.exp or Math.log costs ~16 ns
// here). Each snippet is an expression over locals the caller declares
// (`simdLocals`); the constants are Cephes' (expf, logf: ~1 ulp).

import { madd } from '../../../src/wasm/wat.js';

export const splat = (c: number) => `(f32x4.splat (f32.const ${c}))`;
export const get = (name: string) => `(local.get $${name})`;
export const set = (name: string, value: string) => `(local.set $${name} ${value})`;
/** Horner's rule: c[0]·tⁿ + … + c[n], in f32x4 (each step one multiply-add where relaxed SIMD runs). */
export const horner = (t: string, c: number[]) => c.slice(1).reduce((acc, k) => madd(acc, t, splat(k)), splat(c[0]));

/** Scratch locals the snippets below use. */
export const simdLocals = '(local $m_k v128) (local $m_r v128) (local $m_y v128) (local $m_u v128) (local $m_u2 v128) (local $m_e v128) (local $m_mask v128)';

/** 1.5·2²³: adding it rounds to an integer (nearest, ties to even) and leaves that integer in the low bits. */
const MAGIC = 12582912;
const MAGIC_BITS = 0x4b400000;

/**
 * $out = exp(a) for a ≤ 0 (clamped at −87, where 2ᵏ would leave the
 * normal range): a = k ln 2 + r, |r| ≤ ln2/2, eʳ by a degree-5 polynomial,
 * 2ᵏ from k's bits (pmax, not max: no NaN fix-ups on x64).
 */
export function expNonPositive(out: string, a: string): string {
  return `
      ${set('m_r', `(f32x4.pmax ${a} ${splat(-87)})`)}
      ${set('m_e', `(f32x4.add (f32x4.mul ${get('m_r')} ${splat(1.4426950408889634)}) ${splat(MAGIC)})`)}
      ${set('m_k', `(f32x4.sub ${get('m_e')} ${splat(MAGIC)})`)}
      ${set('m_r', `(f32x4.sub (f32x4.sub ${get('m_r')} (f32x4.mul ${get('m_k')} ${splat(0.693359375)})) (f32x4.mul ${get('m_k')} ${splat(-2.12194440e-4)}))`)}
      ${set('m_y', `(f32x4.add (f32x4.add (f32x4.mul ${horner(get('m_r'), [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1])} (f32x4.mul ${get('m_r')} ${get('m_r')})) ${get('m_r')}) ${splat(1)})`)}
      ${set(out, `(f32x4.mul ${get('m_y')} (i32x4.shl (i32x4.sub ${get('m_e')} (i32x4.splat (i32.const ${MAGIC_BITS - 127}))) (i32.const 23)))`)}`;
}

/** $out = log(1 + e) for 0 ≤ e ≤ 1: 2 atanh(u), u = e/(2 + e) ≤ 1/3, to u¹⁵ (relative error < 1e-8). */
export function log1pUnit(out: string, e: string): string {
  return `
      ${set('m_u', `(f32x4.div ${e} (f32x4.add ${splat(2)} ${e}))`)}
      ${set('m_u2', `(f32x4.mul ${get('m_u')} ${get('m_u')})`)}
      ${set(out, `(f32x4.mul (f32x4.mul ${splat(2)} ${get('m_u')}) ${horner(get('m_u2'), [1 / 15, 1 / 13, 1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3, 1])})`)}`;
}

/**
 * $out = log(x) for normal x > 0: x = m·2ᵉ with m in [√½, √2) from the
 * bits, log(m) = f − f²/2 + f³P(f), f = m − 1 (Cephes logf).
 */
export function logPositive(out: string, x: string): string {
  const bits = `(v128.or (v128.and ${x} (i32x4.splat (i32.const 0x007fffff))) (i32x4.splat (i32.const 0x3f800000)))`;
  const exponent = `(f32x4.convert_i32x4_s (i32x4.sub (i32x4.shr_s ${x} (i32.const 23)) (i32x4.splat (i32.const 127))))`;
  return `
      ${set('m_u', bits)}
      ${set('m_mask', `(f32x4.gt ${get('m_u')} ${splat(1.4142135623730951)})`)}
      ${set('m_k', `(f32x4.add ${exponent} (v128.and ${get('m_mask')} ${splat(1)}))`)}
      ${set('m_r', `(f32x4.sub (v128.bitselect (f32x4.mul ${get('m_u')} ${splat(0.5)}) ${get('m_u')} ${get('m_mask')}) ${splat(1)})`)}
      ${set('m_u2', `(f32x4.mul ${get('m_r')} ${get('m_r')})`)}
      ${set('m_y', `(f32x4.mul (f32x4.mul ${get('m_r')} ${get('m_u2')}) ${horner(get('m_r'), [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1])})`)}
      ${set('m_y', `(f32x4.add ${get('m_y')} (f32x4.mul ${get('m_k')} ${splat(-2.12194440e-4)}))`)}
      ${set('m_y', `(f32x4.sub ${get('m_y')} (f32x4.mul ${splat(0.5)} ${get('m_u2')}))`)}
      ${set(out, `(f32x4.add (f32x4.add ${get('m_r')} ${get('m_y')}) (f32x4.mul ${get('m_k')} ${splat(0.693359375)}))`)}`;
}
