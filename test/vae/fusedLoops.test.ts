// The fused VAE step's per-element loops (decoder pixels, latents and relaxed
// rows) as WebAssembly SIMD against their JavaScript twins, which are the
// fallback without SIMD: equal to float32 rounding, and bit for bit whether a
// loop runs on the workspace's own memory or copies through a memory of its own.
import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { decode, type DecoderArrays } from '../../experiments/vae/fused/decoder.js';
import { SimdDecoder } from '../../experiments/vae/fused/decoderSimd.js';
import { SimdLatents } from '../../experiments/vae/fused/latentsSimd.js';
import { sampleLatents, type LatentArrays } from '../../experiments/vae/fused/latents.js';
import { relaxRows, type RelaxedArrays } from '../../experiments/vae/fused/rebar.js';
import { Workspace } from '../../src/wasm/workspace.js';
import { simdAvailable } from '../../src/wasm/wat.js';

const EPS = 2 ** -23;
const P = 784;

describe('the fused VAE step\'s SIMD loops', () => {
  it.runIf(simdAvailable)("the SIMD decoder's pixel loop equals the JavaScript one to float32 rounding", () => {
    const [B, L, rows, from] = [3, 7, 9, 3];
    const rng = new Rng('simd-decoder');
    const ws = new Workspace(3 * (L * P + P + rows * L + 3 * rows * P + rows + B * P) + 64);
    const arrays = (): DecoderArrays => ({
      D: ws.alloc(L * P), d: ws.alloc(P), signed: ws.alloc(rows * L),
      logits: ws.alloc(rows * P), resid: ws.alloc(rows * P), curvature: ws.alloc(rows * P), logLik: ws.alloc(rows),
    });
    const [js, simd] = [arrays(), arrays()];
    const x = ws.alloc(B * P);
    x.set(Float32Array.from({ length: B * P }, () => (rng.next() < 0.3 ? 1 : 0)));
    // Logits of tens: σ saturates, e⁻|ℓ| spans many binades.
    const D = Float32Array.from({ length: L * P }, () => 6 * (rng.next() - 0.5));
    const d = Float32Array.from({ length: P }, () => 20 * (rng.next() - 0.5));
    const signed = Float32Array.from({ length: rows * L }, () => 2 * rng.next() - 1);
    for (const a of [js, simd]) [a.D, a.d, a.signed].forEach((t, i) => t.set([D, d, signed][i]));
    const product = (a: DecoderArrays) => ws.mm(a.signed, a.D, a.logits, rows, L, P);
    product(js);
    decode(js, x, rows, B, P, from);
    product(simd);
    SimdDecoder.create(rows, B, P)!.decode(simd, x, rows, B, from);
    // On the workspace's own memory (no copies): the same bits as through a memory of its own.
    const inPlace = arrays();
    [inPlace.D, inPlace.d, inPlace.signed].forEach((t, i) => t.set([D, d, signed][i]));
    product(inPlace);
    SimdDecoder.create(rows, B, P, ws)!.decode(inPlace, x, rows, B, from);
    for (const k of ['logits', 'resid', 'curvature', 'logLik'] as const) expect(Array.from(inPlace[k])).toEqual(Array.from(simd[k]));
    let worst = 0;
    for (let r = 0; r < rows; r++) {
      // Each term carries a few roundings (exp ~1 ulp, a division, a subtraction): 8ε of its size; the row's sum 8ε of Σ|terms|.
      let size = 0;
      for (let k = 0; k < P; k++) {
        const m = r * P + k;
        const l = js.logits[m];
        size += Math.abs(x[(r % B) * P + k] * l) + Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));
        worst = Math.max(worst, Math.abs(simd.resid[m] - js.resid[m]) / (8 * EPS));
        if (r >= from) {
          const c = (r - from) * P + k;
          worst = Math.max(worst, Math.abs(simd.curvature[c] - js.curvature[c]) / (8 * EPS * js.curvature[c] + 1e-38));
        }
      }
      worst = Math.max(worst, Math.abs(simd.logLik[r] - js.logLik[r]) / (8 * EPS * size));
    }
    console.log(`SIMD decoder: worst ${worst.toExponential(2)} of its bound`);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it.runIf(simdAvailable)("the SIMD latents and relaxed rows equal the JavaScript ones to float32 rounding", () => {
    const [B, L, lambda] = [5, 8, Math.fround(0.6)];
    const rng = new Rng('simd-latents');
    const ws = new Workspace(2 * 20 * B * L + 4 * L + SimdLatents.floats(B, L));
    const make = (f = (n: number) => new Float32Array(n)) => {
      const a: LatentArrays & RelaxedArrays = {
        theta: f(B * L), z: f(B * L), b: f(B * L), zt: f(B * L), score: f(B * L), dzt: f(B * L), pmt: f(B * L), rowConst: f(B),
        s: f(B * L), st: f(B * L), tangent: f(2 * B * L), signed: f(3 * B * L),
      };
      return a;
    };
    const [js, simd] = [make(), make()];
    const theta = Float32Array.from({ length: B * L }, () => 16 * (rng.next() - 0.5));
    js.theta.set(theta);
    simd.theta.set(theta);
    const prior = Float32Array.from({ length: L }, () => 4 * (rng.next() - 0.5));
    const [u, v] = [rng.uniforms(B * L), rng.uniforms(B * L)];
    sampleLatents(js, prior, u, v, B, L, true);
    relaxRows(js, lambda, B, L);
    const fast = SimdLatents.create(B, L)!;
    fast.sample(simd, prior, u, v, true);
    fast.relax(simd, lambda);
    // On the workspace's own memory (no copies): the same bits as through a memory of its own.
    const inPlace = make((n) => ws.alloc(n));
    inPlace.theta.set(theta);
    const onWs = SimdLatents.create(B, L, ws)!;
    const priorOnWs = ws.alloc(L);
    priorOnWs.set(prior);
    onWs.sample(inPlace, priorOnWs, u, v, true);
    onWs.relax(inPlace, lambda);
    for (const k of Object.keys(simd) as (keyof typeof simd)[]) expect(Array.from(inPlace[k])).toEqual(Array.from(simd[k]));
    // A few roundings per value (exp and log ~1 ulp, a division or two): 16ε of each value's size.
    const tol = 16 * EPS;
    let worst = 0;
    const check = (a: number, b: number, size: number) => (worst = Math.max(worst, Math.abs(a - b) / (tol * size)));
    for (let m = 0; m < B * L; m++) {
      const t = theta[m];
      check(simd.z[m], js.z[m], Math.abs(t) + Math.abs(js.z[m] - t) + 1);
      // b (and all after it) may differ only where z is within rounding of 0.
      if (Math.abs(js.z[m]) < tol * (Math.abs(t) + 20)) continue;
      expect(simd.b[m]).toBe(js.b[m]);
      check(simd.score[m], js.score[m], 1);
      check(simd.pmt[m], js.pmt[m], Math.abs(prior[m % L]) + Math.abs(t));
      check(simd.zt[m], js.zt[m], Math.abs(js.zt[m]) + Math.abs(t) + 1);
      check(simd.dzt[m], js.dzt[m], 1);
      check(simd.s[m], js.s[m], 1);
      check(simd.st[m], js.st[m], 1);
      // s(1 − s) ≈ e^−|t| far out: t = z/λ's rounding (and z̃'s own) make its relative error grow like |t|.
      for (const [k, zk] of [[m, js.z[m]], [B * L + m, js.zt[m]]]) check(simd.tangent[k], js.tangent[k], Math.abs(js.tangent[k]) * (2 + Math.abs(zk) / lambda) + 1e-30);
      for (let r = 0; r < 3; r++) check(simd.signed[r * B * L + m], js.signed[r * B * L + m], 2);
    }
    for (let i = 0; i < B; i++) {
      let size = 0;
      for (let j = 0; j < L; j++) size += Math.abs(theta[i * L + j]) + 1;
      check(simd.rowConst[i], js.rowConst[i], size);
    }
    console.log(`SIMD latents: worst ${worst.toExponential(2)} of its bound`);
    expect(worst).toBeLessThanOrEqual(1);
  });

});
