// The residual's squash as SIMD (experiments/vae/fused/residualSimd.ts) against
// its JavaScript twin in residual.ts's forward: t = z/τ bit for bit (both round
// the float32 quotient); s = σ(t) within 8 ulps, or below 2⁻¹²⁵ where t < −87
// (the SIMD exp stops there); u = 2s − 1 within 8 ulps of 1 (s's absolute
// error); q = 2s(1 − s)/τ within 8 ulps plus 4ε/τ: near s = 1 an ulp of s is
// all of 1 − s, so q there carries 2·2⁻²⁴/τ on both paths alike.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { Workspace } from '../../src/wasm/workspace.js';
import { simdAvailable } from '../../src/wasm/wat.js';
import { squashKernel } from '../../experiments/vae/fused/residualSimd.js';

const EPS = 2 ** -24;
const f = Math.fround;

describe.runIf(simdAvailable)('residual squash, SIMD', () => {
  it.each([0.3, 1, 2.5])('τ = %s: t, s, u and q equal the JavaScript loop’s within rounding', (tauIn) => {
    const n = 4000;
    const tau = f(tauIn);
    const ws = new Workspace(5 * n + 64);
    const [z, t, s, u, q] = [0, 1, 2, 3, 4].map(() => ws.alloc(n));
    const rng = new Rng(`squash-${tauIn}`);
    for (let k = 0; k < n; k++) z[k] = f((rng.next() - 0.5) * 60);
    z[0] = 0;
    z[1] = -0;
    squashKernel(ws, n)!(z.byteOffset, t.byteOffset, s.byteOffset, u.byteOffset, q.byteOffset, n, tau);
    const worst = { t: 0, s: 0, u: 0, q: 0 };
    for (let k = 0; k < n; k++) {
      const tk = f(z[k] / tau);
      const sk = f(1 / (1 + Math.exp(-tk)));
      const qk = (2 * sk * (1 - sk)) / tau;
      worst.t = Math.max(worst.t, Math.abs(t[k] - tk));
      worst.s = Math.max(worst.s, Math.abs(s[k] - sk) / (8 * sk * EPS + 2 ** -125));
      worst.u = Math.max(worst.u, Math.abs(u[k] - (2 * sk - 1)) / (8 * EPS));
      worst.q = Math.max(worst.q, Math.abs(q[k] - qk) / (8 * qk * EPS + (4 * EPS) / tau));
    }
    expect(worst.t).toBe(0);
    expect(worst.s).toBeLessThanOrEqual(1);
    expect(worst.u).toBeLessThanOrEqual(1);
    expect(worst.q).toBeLessThanOrEqual(1);
  });

  it('is not offered where the entries are not whole lanes', () => {
    expect(squashKernel(new Workspace(64), 6)).toBeUndefined();
  });
});
