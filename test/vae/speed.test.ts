// The generic step's speed-ups compute what the plain path computes: RELAX's
// ĝ and the control variate's ∂φ Σ ĝ² (a second derivative) with the model
// held fixed (fixedMatMul), the hard pass's terms reused in the relaxed
// reward and the residual's first layer split (SplitResidual), against the
// plain autodiff path on the same inputs, for every stochastic layer.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { bernoulli } from '../../src/distributions/index.js';
import { relax } from '../../src/estimators/index.js';
import { RebarControlVariate, NeuralControlVariate, SumControlVariate } from '../../src/controlVariates/index.js';
import { BinaryVaeModel, fixedMatMul, fixedRightMul, type HardPass, type VaeModelName } from '../../envs/vae/binaryVae.js';
import { BinaryMnist, PIXELS } from '../../envs/vae/mnist.js';
import { SplitResidual } from '../../experiments/vae/residual.js';
import { fakeMnist } from './fixtures.js';

const K = 8;
const B = 3;

/**
 * The largest |a − b| relative to |b|, floored at 10⁻³ of the array's largest
 * entry: an entry far below its array's scale carries the absolute rounding of
 * the sums that made the array (products are fused on one path, not the other).
 */
function worstRelative(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    const floor = 1e-3 * Math.max(1, ...b[i].map(Math.abs));
    x.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j]) / (floor + Math.abs(b[i][j])))));
  });
  return worst;
}

describe('the fast generic VAE step', () => {
  it("withFixedWeights' products by transposes (once) give the plain pass's f", () => {
    const model = new BinaryVaeModel({ model: 'nonlinear', dataMean: data.trainMean, rng: new Rng('once'), latents: K });
    const x = tf.tensor2d(data.train.subarray(0, B * PIXELS), [B, PIXELS]);
    const u = [tf.tensor2d(new Rng('once-u').uniforms(B * K), [B, K])];
    const f = (once?: boolean) =>
      tf.tidy(() => {
        const body = () => {
          const pass = model.forward(x, u);
          return model.passReward(x, pass).dataSync() as Float32Array;
        };
        return once === undefined ? body() : model.withFixedWeights(body, { once });
      });
    const plain = f();
    expect(worstRelative([f(true), f(false)], [plain, plain])).toBeLessThan(1e-5);
    tf.dispose([x, ...u]);
    model.dispose();
  });

  const data = new BinaryMnist(fakeMnist(40, 5, 5), 'fixed', 2);
  const rng = new Rng('speed');
  const xData = data.train.subarray(0, B * PIXELS);
  const uData = [0, 1].map(() => rng.uniforms(B * K));
  const vData = [0, 1].map(() => rng.uniforms(B * K));

  for (const [name, layer] of [['linear2', 0], ['linear2', 1], ['nonlinear', 0]] as [VaeModelName, number][]) {
    it(`RELAX's ĝ and ∂φ Σ ĝ² equal the plain path's (${name}, layer ${layer})`, () => {
      const model = new BinaryVaeModel({ model: name, dataMean: data.trainMean, rng: new Rng('speed-model'), latents: K });
      const cvRng = new Rng('speed-cv');
      let pass: HardPass | undefined;
      let x: tf.Tensor | undefined;
      let u: tf.Tensor[] = [];
      const rebar: RebarControlVariate = new RebarControlVariate(
        bernoulli,
        (soft) => model.relaxedReward(layer, soft, x!, pass!, u, tf.exp(rebar.logTemperature)),
        { eta: 0.8, temperature: 0.6 },
      );
      const neural = new NeuralControlVariate(bernoulli, { sampleSize: K, contextSize: PIXELS + layer * K, hidden: [16, 16], activation: 'relu', scale: 0.7, rng: cvRng });
      tf.tidy(() => rebar.logTemperature.assign(tf.scalar(Math.log(0.6))));
      const run = (fast: boolean): Float32Array[] =>
        tf.tidy(() => {
          const body = () => {
            x = tf.tensor2d(xData, [B, PIXELS]);
            u = uData.slice(0, model.layers).map((d) => tf.tensor2d(d, [B, K]));
            const v = vData.slice(0, model.layers).map((d) => tf.tensor2d(d, [B, K]));
            pass = model.forward(x, u);
            const fb = fast ? model.passReward(x, pass) : model.reward(x, pass.b, pass.logits);
            const context = tf.concat([model.centre(x), ...pass.b.slice(0, layer).map((b) => tf.sub(tf.mul(2, b), 1))], 1);
            const cv = new SumControlVariate([rebar, fast ? new SplitResidual(neural, () => context) : neural]);
            let ghat: tf.Tensor | undefined;
            const { grads } = tf.variableGrads(() => {
              const g = relax({ dist: bernoulli, theta: pass!.logits[layer], u: u[layer], v: v[layer], fb, cv, context }).gradient;
              ghat = tf.keep(g);
              return tf.div(tf.sum(tf.square(g)), B) as tf.Scalar;
            }, cv.variables);
            const out = [ghat!, ...cv.variables.map((w) => grads[w.name])].map((t) => t.dataSync() as Float32Array);
            ghat!.dispose();
            return out;
          };
          return fast ? model.withFixedWeights(body) : body();
        });
      const before = tf.memory().numTensors;
      const plain = run(false);
      const fast = run(true);
      expect(tf.memory().numTensors).toBe(before);
      expect(fast.length).toBe(plain.length);
      // Not all zero: the comparison has something to compare.
      expect(Math.max(...plain.map((a) => Math.max(...a.map(Math.abs))))).toBeGreaterThan(1e-3);
      expect(worstRelative(fast, plain)).toBeLessThan(1e-4);
      model.dispose();
      for (const w of [...rebar.variables, ...neural.variables]) w.dispose();
    });
  }

  it('fixedMatMul and fixedRightMul match matMul, and so do their first and second derivatives in a', () => {
    const r = new Rng('fixed');
    const a = tf.tensor2d(r.uniforms(12), [3, 4]);
    const m = tf.tensor2d(r.uniforms(20), [4, 5]);
    const w = tf.tensor2d(r.uniforms(15), [3, 5]);
    const mT = tf.transpose(m);
    const secondOrder = (product: (a: tf.Tensor) => tf.Tensor) =>
      // ∂a of Σ (∂a Σ w ⊙ tanh(a·m))²: a second derivative through the product.
      tf.grad((a0: tf.Tensor) => tf.sum(tf.square(tf.grad((a1: tf.Tensor) => tf.sum(tf.mul(w, tf.tanh(product(a1)))))(a0))))(a);
    const plain = [tf.matMul(a, m), secondOrder((t) => tf.matMul(t as tf.Tensor2D, m as tf.Tensor2D))];
    const fixed = [fixedMatMul(a, m, mT), secondOrder((t) => fixedMatMul(t, m, () => mT))];
    const right = [fixedRightMul(a, mT, m), secondOrder((t) => fixedRightMul(t, mT, () => m))];
    for (const out of [fixed, right]) {
      expect(worstRelative(out.map((t) => t.dataSync() as Float32Array), plain.map((t) => t.dataSync() as Float32Array))).toBeLessThan(1e-4);
    }
    tf.dispose([a, m, w, mT, ...plain, ...fixed, ...right]);
  });
});
