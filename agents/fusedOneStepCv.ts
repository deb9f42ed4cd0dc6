// The one-step learner's control variates on typed arrays (for the fused step,
// fusedOneStep.ts), Bernoulli z only: REBAR's c(z) = η·f(σ(z/λ)), the neural
// c(z) = s·MLP(2σ(z/λ) − 1) (src/controlVariates), and their sum. For rows
// z_r each gives c(z_r) and ∂c/∂z_r and, for directions ż_r and weights A_r,
//   ∂φ Σ_r [A_r c(z_r) + Dc(z_r)[ż_r]],
// which is every φ-dependent piece of ⟨w, ĝ⟩ for RELAX and LAX with θ free
// logits (fusedOneStep.ts), so it gives ∂φ Σ ĝ². λ = e^ρ; with q = z/λ,
// y = σ(q), σ′ = y(1 − y): ∂y/∂ρ = −σ′q and, for ẏ = σ′ż/λ,
// ∂ẏ/∂ρ = −σ′(ż/λ)(1 + q(1 − 2y)).
import type { tf } from '../src/tf/index.js';
import { NeuralControlVariate, RebarControlVariate, SumControlVariate, type ControlVariate } from '../src/controlVariates/index.js';
import { FUSED_ACTIVATIONS, backward, backwardTangent, forward, gradientList, inputTangent, output, zeroGradients, type Layers } from '../src/nn/fusedMlp.js';
import type { OneStepEnv } from '../envs/index.js';

/** One evaluation of c on rows of z (row-major [rows, n]). */
export interface CvEvaluation {
  c: Float64Array;
  /** ∂c/∂z per row ([rows, n]). */
  dc: Float64Array;
  /** ∂φ Σ_r [A_r c(z_r) + Dc(z_r)[ż_r]], one array per entry of `variables`. */
  gradient(A: Float64Array, zdot: Float64Array): Float64Array[];
}

export interface ArrayCv {
  /** The tf variables it reads, in the order `evaluate` takes their values (a superset of the trained ones). */
  variables: tf.Variable[];
  evaluate(phi: Float64Array[], z: Float64Array, rows: number): CvEvaluation;
}

/** q = z/λ, y = σ(q), σ′(q) and ∂y/∂ρ per entry. */
function relaxation(z: Float64Array, lambda: number) {
  const q = z.map((x) => x / lambda);
  const y = q.map((x) => 1 / (1 + Math.exp(-x)));
  const s1 = y.map((x) => x * (1 - x));
  const dyRho = s1.map((s, i) => -s * q[i]);
  return { q, y, s1, dyRho };
}

/** ẏ = σ′ż/λ and ∂ẏ/∂ρ for directions ż. */
function relaxedTangent(r: ReturnType<typeof relaxation>, zdot: Float64Array, lambda: number) {
  const ydot = new Float64Array(zdot.length);
  const ydotRho = new Float64Array(zdot.length);
  for (let i = 0; i < zdot.length; i++) {
    const zl = zdot[i] / lambda;
    ydot[i] = r.s1[i] * zl;
    ydotRho[i] = -r.s1[i] * zl * (1 + r.q[i] * (1 - 2 * r.y[i]));
  }
  return { ydot, ydotRho };
}

/** REBAR's η·f(σ(z/λ)), f from the env's relaxedRewardArrays. */
function rebarCv(cv: RebarControlVariate, env: OneStepEnv): ArrayCv | undefined {
  const relaxedF = env.relaxedRewardArrays?.bind(env);
  if (!relaxedF) return undefined;
  return {
    variables: [cv.eta, cv.logTemperature],
    evaluate([[eta], [rho]], z, rows) {
      const n = z.length / rows;
      const lambda = Math.exp(rho);
      const r = relaxation(z, lambda);
      const F = relaxedF(r.y, rows, r.dyRho);
      const c = F.value.map((x) => eta * x);
      const dc = F.gradient.map((g, i) => (eta * g * r.s1[i]) / lambda);
      const H = F.curvature;
      if (!H) throw new Error('relaxedRewardArrays gave no curvature along the direction given');
      return {
        c,
        dc,
        gradient(A, zdot) {
          const t = relaxedTangent(r, zdot, lambda);
          let gEta = 0;
          let gRho = 0;
          for (let k = 0; k < rows; k++) {
            let first = 0;
            let second = 0;
            let slope = 0;
            for (let j = k * n; j < (k + 1) * n; j++) {
              first += F.gradient[j] * t.ydot[j];
              second += H[j] * t.ydot[j] + F.gradient[j] * t.ydotRho[j];
              slope += F.gradient[j] * r.dyRho[j];
            }
            gEta += A[k] * F.value[k] + first;
            gRho += eta * (A[k] * slope + second);
          }
          return [Float64Array.of(gEta), Float64Array.of(gRho)];
        },
      };
    },
  };
}

/** The neural s·MLP(2σ(z/λ) − 1) (without s when it has no scale). */
function neuralCv(cv: NeuralControlVariate): ArrayCv | undefined {
  const { sizes, activation } = cv.net.config;
  if (cv.dist.name !== 'bernoulli' || !FUSED_ACTIVATIONS.includes(activation) || sizes[sizes.length - 1] !== 1) return undefined;
  const L = cv.net.weights.length;
  return {
    variables: cv.variables,
    evaluate(phi, z, rows) {
      const net: Layers = { sizes, activation, w: [], b: [] };
      for (let l = 0; l < L; l++) {
        net.w.push(phi[2 * l]);
        net.b.push(phi[2 * l + 1]);
      }
      const rho = phi[2 * L][0];
      const hasScale = phi.length > 2 * L + 1;
      const s = hasScale ? phi[2 * L + 1][0] : 1;
      const lambda = Math.exp(rho);
      const r = relaxation(z, lambda);
      const pass = forward(net, r.y.map((y) => 2 * y - 1), rows);
      const N = output(pass);
      const gx = backward(net, pass, new Float64Array(rows).fill(1));
      return {
        c: N.map((x) => s * x),
        dc: gx.map((g, i) => (s * g * 2 * r.s1[i]) / lambda),
        gradient(A, zdot) {
          const t = relaxedTangent(r, zdot, lambda);
          const tangent = inputTangent(net, pass, t.ydot.map((x) => 2 * x));
          const Ndot = tangent.h[L - 1];
          const into = zeroGradients(net);
          const adj = backwardTangent(net, pass, tangent, A.map((a) => a * s), new Float64Array(rows).fill(s), into);
          let gRho = 0;
          for (let i = 0; i < z.length; i++) gRho += 2 * (adj.x[i] * r.dyRho[i] + adj.xdot[i] * t.ydotRho[i]);
          let gScale = 0;
          for (let k = 0; k < rows; k++) gScale += A[k] * N[k] + Ndot[k];
          return [...gradientList(into), Float64Array.of(gRho), ...(hasScale ? [Float64Array.of(gScale)] : [])];
        },
      };
    },
  };
}

/** A sum of control variates: c, ∂c/∂z and the gradients add up, part by part. */
function sumCv(parts: ArrayCv[]): ArrayCv {
  const sizes = parts.map((p) => p.variables.length);
  return {
    variables: parts.flatMap((p) => p.variables),
    evaluate(phi, z, rows) {
      let at = 0;
      const evals = parts.map((p, i) => p.evaluate(phi.slice(at, (at += sizes[i])), z, rows));
      const c = new Float64Array(rows);
      const dc = new Float64Array(z.length);
      for (const e of evals) {
        e.c.forEach((x, i) => (c[i] += x));
        e.dc.forEach((x, i) => (dc[i] += x));
      }
      return { c, dc, gradient: (A, zdot) => evals.flatMap((e) => e.gradient(A, zdot)) };
    },
  };
}

/** The array form of a one-step learner's control variate on Bernoulli z, or undefined if it is not one of these. */
export function arrayCv(cv: ControlVariate, env: OneStepEnv): ArrayCv | undefined {
  if (cv instanceof RebarControlVariate) return cv.dist.name === 'bernoulli' ? rebarCv(cv, env) : undefined;
  if (cv instanceof NeuralControlVariate) return neuralCv(cv);
  if (cv instanceof SumControlVariate) {
    const parts = cv.parts.map((p) => arrayCv(p, env));
    return parts.every((p) => p !== undefined) ? sumCv(parts as ArrayCv[]) : undefined;
  }
  return undefined;
}
