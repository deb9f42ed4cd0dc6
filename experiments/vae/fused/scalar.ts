// The scalar functions of the fused VAE step, in doubles, overflow-safe.
// One exp gives both softplus and σ of the same argument (the decoder's
// inner loop needs both at every pixel).

/** softplus(t) = log(1 + eᵗ). */
export function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

/** σ(t) = 1 / (1 + e⁻ᵗ). */
export function sigmoid(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}

/** The float32 bounds of clampUniforms (src/distributions/types.ts): clipByValue rounds them to float32. */
export const U_LOW = Math.fround(1e-6);
export const U_HIGH = Math.fround(1 - 1e-6);

export function clampUniform(u: number): number {
  return Math.min(Math.max(u, U_LOW), U_HIGH);
}
