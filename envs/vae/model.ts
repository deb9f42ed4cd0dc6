// The binary VAE of the REBAR and RELAX papers: an encoder q(b|x) of one or
// two stochastic layers of Bernoulli units (200 each in the papers), a
// decoder p(x|b) and a learned prior p(b), as pure functions of their
// variables, so a trainer can drive it directly and an estimator can
// re-evaluate the ELBO integrand
//   f(b) = log p(x|b) + log p(b) − log q(b|x)
// at relaxed inputs. The environment around it is binaryVae.ts; its held-out
// bounds (ELBO, IWAE) are bounds.ts.
import { tf, safe, makeVariable } from '../../src/tf/index.js';
import { bernoulli } from '../../src/distributions/index.js';
import { Mlp, activate } from '../../src/nn/index.js';
import type { Rng } from '../../src/random/index.js';
import { UserError } from '../../src/errors.js';
import { PIXELS } from './mnist.js';
import { fixedMatMul, fixedRightMul } from './products.js';
import { fixedFreshMul, freshMatMulActive } from '../../src/tf/matMul.js';

export { fixedMatMul, fixedRightMul } from './products.js';

type Tensor = tf.Tensor;

export const VAE_MODELS = {
  /** One stochastic layer, linear maps: 784–200. */
  linear1: { layers: 1, hidden: [] as number[] },
  /** Two stochastic layers, linear maps: 784–200–200. */
  linear2: { layers: 2, hidden: [] as number[] },
  /** One stochastic layer, two tanh layers of 200 then a linear layer on each side. */
  nonlinear: { layers: 1, hidden: [200, 200] },
} as const;

export type VaeModelName = keyof typeof VAE_MODELS;
export const VAE_MODEL_NAMES = Object.keys(VAE_MODELS) as VaeModelName[];

export function checkModelName(name: string): VaeModelName {
  if (!(name in VAE_MODELS)) throw new UserError(`unknown VAE model '${name}' (choose from ${VAE_MODEL_NAMES.join(', ')})`);
  return name as VaeModelName;
}

export interface VaeModelOptions {
  model: VaeModelName;
  /** Mean of the training images: the encoder's input is x − mean, the decoder's output bias starts at logit(mean). */
  dataMean: Float32Array;
  rng: Rng;
  latents?: number;
  pixels?: number;
}

/** A hard forward pass: per stochastic layer its logits, its uniforms' sample z and b = H(z). */
export interface HardPass {
  logits: Tensor[];
  z: Tensor[];
  b: Tensor[];
  /** Per layer, f's terms of that layer at the hard sample (layerTerms), once passReward has run. */
  terms?: Tensor[];
  /** Per layer, the decoder's logits at the hard sample, once passReward has run (for written-out gradients). */
  decoderLogits?: Tensor[];
}

let counter = 0;

/** net's layers from `from` on, applied to that layer's input, with `product` for input·weight. */
export function applyLayers(net: Mlp, input: Tensor, from = 0, product = (a: Tensor, w: tf.Variable) => tf.matMul(a as tf.Tensor2D, w)): Tensor {
  let h = input;
  for (let l = from; l < net.weights.length; l++) {
    h = tf.add(product(h, net.weights[l]), net.biases[l]);
    if (l + 1 < net.weights.length) h = activate(h, net.config.activation);
  }
  return h;
}

export class BinaryVaeModel {
  readonly name: VaeModelName;
  readonly layers: number;
  readonly latents: number;
  readonly pixels: number;
  /** encoder[l]: q(b_l | b_{l−1}) logits from x − mean (l = 0) or 2b_{l−1} − 1. */
  readonly encoder: Mlp[] = [];
  /** decoder[l]: logits of the layer below (pixels for l = 0) from 2b_l − 1. */
  readonly decoder: Mlp[] = [];
  /** Logits of the prior on the top layer, learned, starting at 0. */
  readonly prior: tf.Variable;
  readonly dataMean: Tensor;
  /** Transposes of the weight matrices while the weights are held fixed (withFixedWeights), made on first use. */
  private fixed?: Map<tf.Variable, Tensor>;
  /** Whether the held-fixed products are taken as (wᵀ·aᵀ)ᵀ (withFixedWeights' `once`). */
  private fixedOnce = false;

  constructor(options: VaeModelOptions) {
    const id = counter++;
    const { model, rng } = options;
    const arch = VAE_MODELS[checkModelName(model)];
    this.name = model;
    this.layers = arch.layers;
    this.latents = options.latents ?? 200;
    this.pixels = options.pixels ?? PIXELS;
    if (options.dataMean.length !== this.pixels) throw new UserError(`data mean has ${options.dataMean.length} pixels, expected ${this.pixels}`);
    for (let l = 0; l < this.layers; l++) {
      const below = l === 0 ? this.pixels : this.latents;
      const sizes = [below, ...arch.hidden, this.latents];
      this.encoder.push(new Mlp({ sizes, activation: 'tanh' }, rng, `vae${id}/encoder${l}`));
      this.decoder.push(new Mlp({ sizes: [...sizes].reverse(), activation: 'tanh' }, rng, `vae${id}/decoder${l}`));
    }
    this.prior = makeVariable(() => tf.zeros([this.latents]), true, `vae${id}/prior`);
    this.dataMean = tf.keep(tf.tensor2d(options.dataMean, [1, this.pixels]));
    // Output bias at the logit of the pixel means (clipped), so p(x|b) starts at the marginals.
    const bias = Float32Array.from(options.dataMean, (m) => {
      const c = Math.min(Math.max(m, 0.001), 0.999);
      return Math.log(c / (1 - c));
    });
    const out = this.decoder[0].biases[this.decoder[0].biases.length - 1];
    tf.tidy(() => out.assign(tf.tensor1d(bias)));
  }

  get encoderVariables(): tf.Variable[] {
    return this.encoder.flatMap((m) => m.variables);
  }

  get decoderVariables(): tf.Variable[] {
    return [...this.decoder.flatMap((m) => m.variables), this.prior];
  }

  get variables(): tf.Variable[] {
    return [...this.encoderVariables, ...this.decoderVariables];
  }

  /** Variables under logical names (stable across processes), for checkpoints. */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { prior: this.prior };
    this.encoder.forEach((m, l) => Object.assign(out, m.namedVariables(`encoder${l}/`)));
    this.decoder.forEach((m, l) => Object.assign(out, m.namedVariables(`decoder${l}/`)));
    return out;
  }

  /**
   * Run `fn` with the weights held constant: the encoder's and decoder's
   * products then go through fixedMatMul, so no gradient reaches the model's
   * weights inside `fn` (take the model's own gradients outside it). With
   * `once` (each weight enters about one product), through fixedRightMul
   * instead: packing a fresh weight matrix costs more than one thin product.
   */
  withFixedWeights<T>(fn: () => T, options: { once?: boolean } = {}): T {
    if (this.fixed) return fn();
    const fixed = new Map<tf.Variable, Tensor>();
    this.fixed = fixed;
    this.fixedOnce = options.once ?? false;
    try {
      return fn();
    } finally {
      this.fixed = undefined;
      this.fixedOnce = false;
      tf.dispose([...fixed.values()]);
    }
  }

  /** net applied to x; through fixedMatMul inside withFixedWeights. */
  private applyNet(net: Mlp, x: Tensor): Tensor {
    const fixed = this.fixed;
    if (!fixed) return net.apply(x);
    // wᵀ is made only when a derivative first needs it (REINFORCE never does), then serves
    // the whole step; kept, since that may be inside a gradient's own scope.
    const transposed = (w: tf.Variable) => () => {
      let wT = fixed.get(w);
      if (!wT) fixed.set(w, (wT = tf.keep(tf.transpose(w))));
      return wT;
    };
    if (this.fixedOnce) {
      // The unpacked SIMD product reads w as it lies (no transpose unless a derivative is taken).
      if (freshMatMulActive()) return applyLayers(net, x, 0, (a, w) => fixedFreshMul(a, w, transposed(w)));
      return applyLayers(net, x, 0, (a, w) => fixedRightMul(a, transposed(w)(), w));
    }
    return applyLayers(net, x, 0, (a, w) => fixedMatMul(a, w, transposed(w)));
  }

  /** Centred encoder input of layer 0. */
  centre(x: Tensor): Tensor {
    return tf.sub(x, this.dataMean);
  }

  /** q's logits for layer l from the previous layer's value (x for l = 0, else b_{l−1}, hard or relaxed). */
  encoderLogits(l: number, previous: Tensor): Tensor {
    const input = l === 0 ? this.centre(previous) : tf.sub(tf.mul(2, previous), 1);
    return this.applyNet(this.encoder[l], input);
  }

  /**
   * Hard pass through q with uniforms u (one [batch, latents] tensor per
   * layer). `noise`, when given, makes the uniforms layer l samples with from
   * its logits and u[l] (ARMS's copula), and `used` receives them.
   * `firstLogits`: layer 0's logits of x, when the caller has them (the
   * IWAE bound computes them once per image, not once per sample).
   */
  forward(x: Tensor, u: Tensor[], options: { noise?: (l: number, logits: Tensor, u: Tensor) => Tensor; used?: Tensor[]; firstLogits?: Tensor } = {}): HardPass {
    const { noise, used } = options;
    const pass: HardPass = { logits: [], z: [], b: [] };
    let previous = x;
    for (let l = 0; l < this.layers; l++) {
      const logits = l === 0 && options.firstLogits ? options.firstLogits : this.encoderLogits(l, previous);
      const ul = noise ? noise(l, logits, u[l]) : u[l];
      used?.push(ul);
      const z = bernoulli.sample(logits, ul);
      const b = bernoulli.hard(z);
      pass.logits.push(logits);
      pass.z.push(z);
      pass.b.push(b);
      previous = b;
    }
    return pass;
  }

  /** log p(s_{l−1} | s_l) per sample, s_{−1} = x (decoder l); samples may be relaxed values in [0, 1]. */
  private decoderTerm(l: number, x: Tensor, samples: Tensor[], keep?: Tensor[]): Tensor {
    const logits = this.applyNet(this.decoder[l], tf.sub(tf.mul(2, samples[l]), 1));
    keep?.push(logits);
    return safe.bernoulliLogProbSum(logits, l === 0 ? x : samples[l - 1]);
  }

  /** log p(s_{L−1}) per sample under the learned prior. */
  private priorTerm(samples: Tensor[]): Tensor {
    return safe.bernoulliLogProbSum(this.prior, samples[this.layers - 1]);
  }

  /** log p(x, b_1..b_L) per sample; samples may be relaxed values in [0, 1]. */
  logJoint(x: Tensor, samples: Tensor[]): Tensor {
    return tf.addN([...samples.map((_, l) => this.decoderTerm(l, x, samples)), this.priorTerm(samples)]);
  }

  /** log q(b_1..b_L | x) per sample from the logits of each layer. */
  logQ(samples: Tensor[], logits: Tensor[]): Tensor {
    return samples.map((s, l) => safe.bernoulliLogProbSum(logits[l], s)).reduce((a, b) => tf.add(a, b));
  }

  /**
   * f's terms per layer l ≥ `from`, per sample: log p(s_{l−1} | s_l) − log q(s_l | ·).
   * f is their sum plus the prior's term; layer l's term involves only s_{l−1}, s_l and q's logits of layer l.
   */
  layerTerms(x: Tensor, samples: Tensor[], logits: Tensor[], from = 0, decoderLogits?: Tensor[]): Tensor[] {
    const out: Tensor[] = [];
    for (let l = from; l < this.layers; l++) {
      out.push(tf.sub(this.decoderTerm(l, x, samples, decoderLogits), safe.bernoulliLogProbSum(logits[l], samples[l])));
    }
    return out;
  }

  /** f(b) = log p(x, b) − log q(b | x), per sample. */
  reward(x: Tensor, samples: Tensor[], logits: Tensor[]): Tensor {
    return tf.addN([...this.layerTerms(x, samples, logits), this.priorTerm(samples)]);
  }

  /** f at a hard pass's sample, per sample; keeps the per-layer terms in `pass.terms` for relaxedReward. */
  passReward(x: Tensor, pass: HardPass): Tensor {
    pass.decoderLogits = [];
    pass.terms = this.layerTerms(x, pass.b, pass.logits, 0, pass.decoderLogits);
    return tf.addN([...pass.terms, this.priorTerm(pass.b)]);
  }

  /**
   * f with layer `layer` relaxed to `soft` = σ_λ(z) and the layers after it
   * re-evaluated from relaxed inputs with their own uniforms (as REBAR does);
   * earlier layers keep their hard values. `pass` is the hard pass whose
   * prefix and logits are used; its tensors may have fewer rows than `soft`
   * (a whole multiple: they are tiled, e.g. for [z; z̃] stacked).
   */
  relaxedReward(layer: number, soft: Tensor, x: Tensor, pass: HardPass, u: Tensor[], temperature: Tensor | number): Tensor {
    return this.rewardWith(layer, soft, x, pass, u, (z) => bernoulli.relax(z, temperature));
  }

  /**
   * f with layer `layer` set to another hard sample `b` and the layers after
   * it re-sampled hard with their own uniforms: the second point ARM and
   * DisARM evaluate. Earlier layers keep the hard pass's values.
   */
  hardReward(layer: number, b: Tensor, x: Tensor, pass: HardPass, u: Tensor[]): Tensor {
    return this.rewardWith(layer, b, x, pass, u, (z) => bernoulli.hard(z));
  }

  /** f with layer `layer` at `value` and each later layer at later(its z from its uniforms). */
  private rewardWith(layer: number, value: Tensor, x: Tensor, pass: HardPass, u: Tensor[], later: (z: Tensor) => Tensor): Tensor {
    const reps = (value.shape[0] ?? 1) / (x.shape[0] ?? 1);
    // concat, not tile: wasm's Tile kernel is ~100× slower than Concat here.
    const tile = (t: Tensor) => (reps === 1 ? t : tf.concat(new Array<Tensor>(reps).fill(t), 0));
    // The terms of the layers below `layer` see only hard values: the hard pass's, when it kept them.
    const known = pass.terms ? layer : 0;
    const samples = pass.b.slice(0, layer).map((b, l) => (l >= known - 1 ? tile(b) : b));
    const logits = pass.logits.slice(0, layer + 1).map((t, l) => (l >= known ? tile(t) : t));
    samples.push(value);
    for (let l = layer + 1; l < this.layers; l++) {
      const lg = this.encoderLogits(l, samples[l - 1]);
      logits.push(lg);
      samples.push(later(bernoulli.sample(lg, tile(u[l]))));
    }
    const terms = this.layerTerms(known === 0 ? tile(x) : x, samples, logits, known);
    if (known > 0) terms.push(tile(tf.addN(pass.terms!.slice(0, known))));
    return tf.addN([...terms, this.priorTerm(samples)]);
  }

  /** Mean over pixels of p(x | b) for the decoder's first layer (reconstructions). */
  decodeMean(b0: Tensor): Tensor {
    return tf.sigmoid(this.decoder[0].apply(tf.sub(tf.mul(2, b0), 1)));
  }

  /** Ancestral samples from the prior down to pixel probabilities. */
  sampleImages(n: number, rng: Rng): Tensor {
    return tf.tidy(() => {
      let b = bernoulli.hard(bernoulli.sample(tf.tile(tf.reshape(this.prior, [1, -1]), [n, 1]), tf.tensor2d(rng.uniforms(n * this.latents), [n, this.latents])));
      for (let l = this.layers - 1; l >= 1; l--) {
        const logits = this.decoder[l].apply(tf.sub(tf.mul(2, b), 1));
        b = bernoulli.hard(bernoulli.sample(logits, tf.tensor2d(rng.uniforms(n * this.latents), [n, this.latents])));
      }
      return this.decodeMean(b);
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.dataMean.dispose();
  }
}
