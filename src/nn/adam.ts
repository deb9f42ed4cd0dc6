// Adam as one kernel per step (src/tf/adamKernel.ts; on backends where it
// is slower for large variables, those take tfjs's ops) instead of tfjs's
// 14 kernels per variable, with the same numbers bit for bit and the same
// state: moments matched to variables by position in the gradient map, as
// tfjs does; getWeights() = [iterations, m_0…m_{n−1}, v_0…v_{n−1}]; the β
// powers held as float32 values and advanced by one float32 product per
// step. Its class name is 'Adam', so checkpoints written with tfjs's Adam
// load into it and the other way round.
import { tf } from '../tf/index.js';
import { ADAM_KERNEL, adamKernelLimit, type AdamKernelAttrs } from '../tf/adamKernel.js';
import { ownedHeapArrays } from './heap.js';

type Tensor = tf.Tensor;
type NamedTensor = { name: string; tensor: Tensor };
const f = Math.fround;

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

export class FusedAdam extends tf.Optimizer {
  /** tfjs's name for Adam: moments and checkpoints are interchangeable with tf.train.adam's. */
  static get className(): string {
    return 'Adam';
  }

  // tfjs's Optimizer answers instanceof for any object with minimize/applyGradients; narrow it to this class.
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as { fusedAdam?: boolean }).fusedAdam === true;
  }

  readonly fusedAdam = true;
  private first: Slot[] = [];
  private second: Slot[] = [];
  /** β1ᵗ and β2ᵗ for the coming step, as float32 values (tfjs keeps them in float32 variables). */
  private acc1: number;
  private acc2: number;

  constructor(
    public learningRate: number,
    public beta1: number,
    public beta2: number,
    public epsilon: number = tf.backend().epsilon(),
  ) {
    super();
    this.acc1 = f(beta1);
    this.acc2 = f(beta2);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const registered = tf.engine().registeredVariables;
    tf.tidy(() => {
      const attrs: AdamKernelAttrs = {
        count: 0,
        learningRate: this.learningRate,
        beta1: this.beta1,
        beta2: this.beta2,
        epsilon: this.epsilon,
        oneMinusAcc1: f(1 - this.acc1),
        oneMinusAcc2: f(1 - this.acc2),
      };
      const limit = adamKernelLimit();
      const inputs: Record<string, Tensor> = {};
      const fused: number[] = [];
      names.forEach((name, i) => {
        const value = registered[name];
        if (!value) throw new Error(`FusedAdam: no variable named '${name}'`);
        const zeros = (suffix: string): Slot => ({ originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) });
        this.first[i] ??= zeros('m');
        this.second[i] ??= zeros('v');
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const [m, v] = [this.first[i].variable, this.second[i].variable];
        // Position-matched moments (as tfjs's) must fit: a mismatch means a different variable list.
        if (m.size !== value.size) throw new Error(`FusedAdam: moment ${i} has ${m.size} entries, variable '${name}' ${value.size}`);
        if (value.size < limit) {
          const k = fused.length;
          Object.assign(inputs, { [`x${k}`]: value, [`g${k}`]: gradient, [`m${k}`]: m, [`v${k}`]: v });
          fused.push(i);
        } else {
          assign(value, m, v, adamOps(value, gradient, m, v, attrs));
        }
      });
      if (fused.length > 0) {
        attrs.count = fused.length;
        const outs = tf.engine().runKernel(ADAM_KERNEL, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as Tensor[];
        fused.forEach((i, k) => assign(registered[names[i]], this.first[i].variable, this.second[i].variable, outs.slice(3 * k, 3 * k + 3)));
      }
    });
    this.acc1 = f(this.acc1 * f(this.beta1));
    this.acc2 = f(this.acc2 * f(this.beta2));
    this.incrementIterations();
  }

  /**
   * applyGradients from gradients held as arrays (in the order of
   * `variables`, which is the position the moments match), without a kernel:
   * the kernel's float32 arithmetic (same bits) in JavaScript, the moments
   * written in place (heap.ts), each variable given a new tensor. Variables
   * are not written in place: the wasm backend's matMul keeps packed copies
   * of its weights keyed by the tensor, which would go stale. Returns false,
   * having done nothing, where the moments cannot be written safely (see
   * heap.ts): then use applyGradients.
   */
  applyArrays(variables: tf.Variable[], grads: ArrayLike<number>[]): boolean {
    variables.forEach((value, i) => {
      const zeros = (suffix: string): Slot => ({ originalName: `${value.name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) });
      this.first[i] ??= zeros('m');
      this.second[i] ??= zeros('v');
      if (this.first[i].variable.size !== value.size) throw new Error(`FusedAdam: moment ${i} has ${this.first[i].variable.size} entries, variable '${value.name}' ${value.size}`);
    });
    const n = variables.length;
    const xs = variables.map((v) => (v.dataSync() as Float32Array).slice());
    const views = ownedHeapArrays([...this.first.slice(0, n).map((s) => s.variable), ...this.second.slice(0, n).map((s) => s.variable)]);
    if (!views) return false;
    const [b1, c1, b2, c2] = [f(this.beta1), f(1 - this.beta1), f(this.beta2), f(1 - this.beta2)];
    const [d1, d2, eps, nlr] = [f(1 - this.acc1), f(1 - this.acc2), f(this.epsilon), f(-this.learningRate)];
    // The heap views are used before any allocation (which could grow the heap and detach them).
    for (let i = 0; i < n; i++) {
      const [x, m, v, g] = [xs[i], views[i], views[n + i], grads[i]];
      // adamKernel.ts's loop, element by element.
      for (let j = 0; j < x.length; j++) {
        const gj = f(g[j]);
        const m1 = f(f(m[j] * b1) + f(gj * c1));
        const v1 = f(f(v[j] * b2) + f(f(gj * gj) * c2));
        x[j] = f(f(f(f(m1 / d1) / f(f(Math.sqrt(f(v1 / d2))) + eps)) * nlr) + x[j]);
        m[j] = m1;
        v[j] = v1;
      }
    }
    variables.forEach((value, i) => {
      const t = tf.tensor(xs[i], value.shape, 'float32');
      value.assign(t);
      t.dispose();
    });
    this.acc1 = f(this.acc1 * f(this.beta1));
    this.acc2 = f(this.acc2 * f(this.beta2));
    this.incrementIterations();
    return true;
  }

  /** β1ᵗ and β2ᵗ for the coming step, exactly as held (for checkpoints). */
  getBetaPowers(): [number, number] {
    return [this.acc1, this.acc2];
  }

  setBetaPowers(acc1: number, acc2: number): void {
    this.acc1 = f(acc1);
    this.acc2 = f(acc2);
  }

  override dispose(): void {
    tf.dispose([...this.first, ...this.second].map((s) => s.variable));
    this.first = [];
    this.second = [];
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const slots = [...this.first, ...this.second];
    return [await this.saveIterations(), ...slots.map((s) => ({ name: s.originalName, tensor: s.variable }))];
  }

  /**
   * As tfjs's: the β powers rebuilt with pow() (checkpoint.ts then restores
   * the exact ones), new moment variables made from the values. The old
   * moments are NOT disposed, as with tfjs (the caller holds them from
   * getWeights and disposes them; a variable disposed twice corrupts counts).
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const t = this.iterations_ + 1;
    const [p1, p2] = tf.tidy(() => [tf.pow(this.beta1, t), tf.pow(this.beta2, t)].map((p) => p.dataSync()[0]));
    this.acc1 = p1;
    this.acc2 = p2;
    const n = rest.length / 2;
    const slot = (w: NamedTensor): Slot => ({ originalName: w.name, variable: w.tensor.variable(false) });
    this.first = rest.slice(0, n).map(slot);
    this.second = rest.slice(n, 2 * n).map(slot);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

function assign(value: tf.Variable, m: tf.Variable, v: tf.Variable, [x1, m1, v1]: Tensor[]): void {
  value.assign(x1);
  m.assign(m1);
  v.assign(v1);
}

/** The same update with ordinary ops, for backends without the kernel (tfjs's own sequence). */
function adamOps(x: Tensor, g: Tensor, m: Tensor, v: Tensor, a: AdamKernelAttrs): Tensor[] {
  const m1 = tf.add(tf.mul(m, a.beta1), tf.mul(g, 1 - a.beta1));
  const v1 = tf.add(tf.mul(v, a.beta2), tf.mul(tf.square(g), 1 - a.beta2));
  const mh = tf.div(m1, a.oneMinusAcc1);
  const vh = tf.div(v1, a.oneMinusAcc2);
  return [tf.add(tf.mul(tf.div(mh, tf.add(tf.sqrt(vh), a.epsilon)), -a.learningRate), x), m1, v1];
}
