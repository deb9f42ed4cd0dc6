// The encoder-gradient estimators of a binary-VAE run, one per stochastic
// layer: the estimator function, each layer's control variate (built from
// the catalog's kind), the relaxed objectives it evaluates, and the
// baselines. What a layer's estimator sees of the model — the hard pass, the
// uniforms, the context — is the step's `current` state, set by hardPass().
import { tf } from '../../src/tf/index.js';
import { bernoulli } from '../../src/distributions/index.js';
import { estimatorSetup, samplesFor, DoubleCvScale, MovingAverage, type ControlVariateKind, type Estimator, type EstimatorInput, type EstimatorSetup } from '../../src/estimators/index.js';
import {
  buildControlVariate,
  RebarControlVariate,
  NeuralControlVariate,
  SumControlVariate,
  BaselineNetwork,
  type ControlVariate,
  type RelaxedObjective,
} from '../../src/controlVariates/index.js';
import type { Rng } from '../../src/random/index.js';
import { UserError } from '../../src/errors.js';
import { PIXELS } from '../../envs/vae/mnist.js';
import type { BinaryVaeModel, HardPass } from '../../envs/vae/model.js';
import { SplitResidual } from './residual.js';

type Tensor = tf.Tensor;

/**
 * Estimators compared on the VAE, under the catalog's names
 * (src/estimators/catalog.ts): 'relax-rebar' is the paper's VAE choice (RELAX
 * with REBAR's relaxation η·f(σ_λ(z)) plus a neural residual); 'muprop'
 * expands f around the mean-field point of each layer and subtracts NVIL's
 * learned baseline; 'arm' and 'disarm' evaluate f at an antithetic second
 * sample; 'rloo', 'arms' and 'double-cv' draw K samples per image (VaeEstimatorConfig.k),
 * B × K evaluations of f a step, and the decoder learns from all of them
 * (ARMS on one stochastic layer only: its copula needs the K samples to share
 * θ). The catalog's 'relax' (a neural c_φ only) is not offered here.
 */
export const VAE_ESTIMATORS = ['reinforce', 'reinforce-baseline', 'nvil', 'muprop', 'arm', 'disarm', 'rloo', 'arms', 'double-cv', 'concrete', 'rebar', 'relax-rebar'] as const;
export type VaeEstimatorName = (typeof VAE_ESTIMATORS)[number];

/**
 * Evaluations of f per image and step: K for rloo and arms (the hard pass
 * only); else the hard pass plus each point the estimator evaluates f at:
 * the antithetic sample (arm, disarm), the mean-field point (muprop), σ_λ(z)
 * (concrete) or σ_λ(z) and σ_λ(z̃) (rebar, relax-rebar).
 */
export function fEvaluationsPerImage(name: string, k?: number): number {
  // double-cv: its ∂f/∂b at the K samples is a backward pass, not another evaluation.
  const extra: Record<string, number> = { arm: 1, disarm: 1, muprop: 1, concrete: 1, rebar: 2, 'relax-rebar': 2 };
  return estimatorSetup(name).needs.multiSample ? samplesFor(name, k) : 1 + (extra[name] ?? 0);
}

export function checkVaeEstimator(name: string): VaeEstimatorName {
  if (!(VAE_ESTIMATORS as readonly string[]).includes(name)) {
    const hint =
      name === 'relax' ? ": the VAE's RELAX is 'relax-rebar' (REBAR's relaxation plus a neural residual; the catalog's 'relax' has a neural control variate only)" : '';
    throw new UserError(`unknown VAE estimator '${name}' (choose from ${VAE_ESTIMATORS.join(', ')})${hint}`);
  }
  return name as VaeEstimatorName;
}

export interface VaeEstimatorConfig {
  /** Initial η and λ of REBAR's relaxation; λ is also Concrete's temperature. */
  eta: number;
  temperature: number;
  /** Hidden ReLU layers of RELAX's residual network. */
  residualHidden: number[];
  /** Samples per image of the K-sample estimators (rloo, arms; default the catalog's); ignored by the others. */
  k?: number;
}

/** The current step's tensors, read by the relaxed objectives inside the estimators. */
export interface Current {
  x: Tensor;
  pass: HardPass;
  u: Tensor[];
  /** Per layer, the context of its control variate (see VaeEstimators.context). */
  contexts: Tensor[];
}

export function rebarPart(cv: ControlVariate | undefined): RebarControlVariate | undefined {
  if (cv instanceof RebarControlVariate) return cv;
  if (cv instanceof SumControlVariate) return cv.parts.find((p): p is RebarControlVariate => p instanceof RebarControlVariate);
  return undefined;
}

export function neuralPart(cv: ControlVariate | undefined): NeuralControlVariate | undefined {
  if (cv instanceof NeuralControlVariate) return cv;
  if (cv instanceof SumControlVariate) return cv.parts.find((p): p is NeuralControlVariate => p instanceof NeuralControlVariate);
  return undefined;
}

/** A control variate's variables under logical names (stable across processes), for checkpoints. */
function cvNamed(cv: ControlVariate | undefined, prefix: string): Record<string, tf.Variable> {
  if (!cv) return {};
  if (cv instanceof SumControlVariate) return Object.assign({}, ...cv.parts.map((p, i) => cvNamed(p, `${prefix}part${i}/`)));
  if (cv instanceof RebarControlVariate || cv instanceof NeuralControlVariate) {
    return Object.fromEntries(Object.entries(cv.named()).map(([k, v]) => [`${prefix}${k}`, v]));
  }
  if (cv instanceof BaselineNetwork) return cv.net.namedVariables(prefix);
  return Object.fromEntries(cv.variables.map((v, i) => [`${prefix}v${i}`, v]));
}

export class VaeEstimators {
  /** The estimator function; replaceable (a test swaps in a deliberately biased one). */
  estimator: Estimator;
  readonly kind: ControlVariateKind;
  /** f is evaluated only at the hard pass (REINFORCE, its baselines, NVIL): each weight enters one product a step. */
  readonly hardOnly: boolean;
  readonly cvs: (ControlVariate | undefined)[] = [];
  /** What the estimators evaluate: cvs[l], with RELAX's residual in its split form (residual.ts); same variables. */
  readonly estimatorCvs: (ControlVariate | undefined)[] = [];
  readonly relaxedF: RelaxedObjective[] = [];
  readonly movingAverage?: MovingAverage;
  /** MuProp: per layer, a moving average of the residual f(b) − c(b), the constant part of its baseline. */
  readonly residualAverages?: MovingAverage[];
  /** Set by hardPass() for the duration of one estimate. */
  current?: Current;
  /** Samples per image: K for rloo, arms and double-cv, else 1 (rows of a batch are then B × K, image-major). */
  readonly k: number;
  private readonly setup: EstimatorSetup;

  /** `initRng`: the run's initialisation stream, continued after the model's weights. */
  constructor(
    name: VaeEstimatorName,
    readonly model: BinaryVaeModel,
    readonly config: VaeEstimatorConfig,
    initRng: Rng,
  ) {
    const setup = estimatorSetup(name);
    this.setup = setup;
    this.k = samplesFor(name, setup.needs.multiSample ? config.k : undefined);
    if (setup.prepareNoise && model.layers > 1) {
      throw new UserError(`'${name}' needs the K samples of a layer to share its logits, which only the one-layer VAE models have (not ${model.name})`);
    }
    this.estimator = setup.estimator;
    this.kind = setup.controlVariate;
    this.hardOnly = !setup.needs.relaxedF && !setup.needs.secondF && this.kind !== 'neural' && this.kind !== 'rebar+neural';
    const L = model.latents;
    for (let l = 0; l < model.layers; l++) {
      // f at layer l relaxed; the temperature of the later layers is the CV's own λ.
      const temperatureOf = () => {
        const r = rebarPart(this.cvs[l]);
        return r ? tf.exp(r.logTemperature) : config.temperature;
      };
      if (name === 'muprop') {
        // MuProp's f at continuous inputs: layer l at the given point, earlier
        // layers hard, later layers deterministic at their means (the
        // mean-field pass). The relaxed reward with uniforms ½ (logit 0) and
        // temperature 1 relaxes each later layer to σ(logits) exactly.
        this.relaxedF.push((point) => {
          const c = this.current!;
          const halves = c.u.map((t) => tf.fill(t.shape, 0.5));
          return model.relaxedReward(l, point, c.x, c.pass, halves, 1);
        });
      } else {
        this.relaxedF.push((soft) => {
          const c = this.current!;
          return model.relaxedReward(l, soft, c.x, c.pass, c.u, temperatureOf());
        });
      }
      let cv: ControlVariate | undefined;
      if (this.kind === 'double-cv-scale') cv = new DoubleCvScale();
      else if (this.kind === 'baseline' || this.kind === 'rebar' || this.kind === 'rebar+neural') {
        cv = buildControlVariate(this.kind, {
          dist: bernoulli,
          sampleSize: L,
          contextSize: PIXELS + l * L,
          relaxedF: this.relaxedF[l],
          rng: initRng,
          eta: config.eta,
          temperature: config.temperature,
          hidden: this.kind === 'baseline' ? [100] : config.residualHidden,
          activation: this.kind === 'baseline' ? 'tanh' : 'relu',
          // The residual starts switched off (scale 0): RELAX begins as REBAR.
          scale: 0,
        });
      }
      this.cvs.push(cv);
      const split = (p: ControlVariate) => (p instanceof NeuralControlVariate ? new SplitResidual(p, () => this.current!.contexts[l]) : p);
      this.estimatorCvs.push(cv instanceof SumControlVariate ? new SumControlVariate(cv.parts.map(split)) : cv);
    }
    if (name === 'muprop') {
      // MuProp's learning signal is the residual f(b) − c(b), not f(b): its
      // constant baseline tracks that, per layer (NVIL's recipe applied to it).
      this.residualAverages = Array.from({ length: model.layers }, () => new MovingAverage(0.99));
    } else if (this.kind === 'moving-average' || this.kind === 'baseline') {
      this.movingAverage = new MovingAverage(0.99);
    }
  }

  /** Context of layer l's control variate / baseline: [x − mean, 2b_0 − 1, …, 2b_{l−1} − 1]. */
  context(l: number, x: Tensor, pass: HardPass): Tensor {
    const parts = [this.model.centre(x), ...pass.b.slice(0, l).map((b) => tf.sub(tf.mul(2, b), 1))];
    return parts.length === 1 ? parts[0] : tf.concat(parts, 1);
  }

  /** The hard pass and f(b) on x, made the current one (which the relaxed objectives and the split residual read). */
  /**
   * The hard pass and f(b) on x, made the current one (which the relaxed
   * objectives and the split residual read). With K samples per image, x's
   * rows are already the images repeated K times (image-major). `u` is the
   * uniforms the pass sampled with: the given ones, or ARMS's copula made
   * from them.
   */
  hardPass(x: Tensor, u: Tensor[]): { pass: HardPass; fb: Tensor; contexts: Tensor[]; u: Tensor[] } {
    const prepare = this.setup.prepareNoise;
    const used: Tensor[] = [];
    const pass = prepare ? this.model.forward(x, u, { noise: (_, logits, ul) => prepare(logits, ul, this.k), used }) : this.model.forward(x, u);
    const uUsed = prepare ? used : u;
    const fb = this.model.passReward(x, pass);
    const contexts = pass.b.map((_, l) => this.context(l, x, pass));
    this.current = { x, pass, u: uUsed, contexts };
    return { pass, fb, contexts, u: uUsed };
  }

  /** Layer l's estimator input at the current hard pass. */
  input(l: number, pass: HardPass, u: Tensor[], v: Tensor[], fb: Tensor, context: Tensor): EstimatorInput {
    return {
      dist: bernoulli,
      theta: pass.logits[l],
      u: u[l],
      v: v[l],
      fb,
      cv: this.estimatorCvs[l],
      baseline: this.residualAverages ? this.residualAverages[l].value : this.movingAverage?.value,
      relaxedF: this.relaxedF[l],
      // ARM / DisARM: f at another hard sample of this layer, given the current pass.
      f: (b) => {
        const c = this.current!;
        return this.model.hardReward(l, b, c.x, c.pass, c.u);
      },
      temperature: this.config.temperature,
      context,
      ...(this.k > 1 ? { k: this.k } : {}),
    };
  }

  /** Every control-variate variable, by logical name. */
  named(): Record<string, tf.Variable> {
    return Object.assign({}, ...this.cvs.map((cv, l) => cvNamed(cv, `cv${l}/`)));
  }

  /** η and λ of each layer's relaxation, the residual's scale (what the CV learned), MuProp's average residual. */
  cvState(): Record<string, number> {
    const out: Record<string, number> = {};
    this.cvs.forEach((cv, l) => {
      const r = rebarPart(cv);
      if (r) {
        out[`eta${l}`] = r.eta.dataSync()[0];
        out[`temperature${l}`] = r.temperature;
      }
      const n = neuralPart(cv);
      if (n?.scale) out[`residualScale${l}`] = n.scale.dataSync()[0];
      if (cv instanceof DoubleCvScale) out[`alpha${l}`] = cv.alpha.dataSync()[0];
    });
    this.residualAverages?.forEach((a, l) => (out[`mupropResidual${l}`] = a.value));
    return out;
  }

  dispose(): void {
    for (const cv of this.cvs) for (const v of cv?.variables ?? []) v.dispose();
  }
}
