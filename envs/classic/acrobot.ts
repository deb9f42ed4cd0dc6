// Acrobot (Sutton 1996; book dynamics), step for step as Gymnasium 1.x's AcrobotEnv.
import { Env, type Info, type ResetOptions, type RgbFrame, type StepResult } from '../core/env.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { UserError } from '../../src/errors.js';
import { renderAcrobot } from '../render/classic.js';
import { cos, sin, sincos } from './trig.js';
import { fmt, readOptions, readState, renderModeOption, resetBounds } from './utils.js';

export interface AcrobotOptions {
  renderMode?: 'ansi' | 'rgb_array';
  /** 'book' (default: Sutton & Barto's equations) or 'nips' (the 1996 paper's, missing a term). */
  bookOrNips?: 'book' | 'nips';
}

const NAME = 'Acrobot';
const PI = Math.PI;
const SC = new Float64Array(2); // sincos scratch

/**
 * Two links hanging from a fixed pivot, torque on the middle joint. State [θ1, θ2, θ̇1, θ̇2]
 * (float64); observation [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2] (float32). One step is a
 * single RK4 step of 0.2 s.
 */
export class AcrobotEnv extends Env<Float32Array, number> {
  static readonly dt = 0.2;
  static readonly LINK_LENGTH_1 = 1.0;
  static readonly LINK_LENGTH_2 = 1.0;
  static readonly LINK_MASS_1 = 1.0;
  static readonly LINK_MASS_2 = 1.0;
  static readonly LINK_COM_POS_1 = 0.5;
  static readonly LINK_COM_POS_2 = 0.5;
  static readonly LINK_MOI = 1.0;
  static readonly MAX_VEL_1 = 4 * PI;
  static readonly MAX_VEL_2 = 9 * PI;
  static readonly AVAIL_TORQUE = [-1.0, 0.0, 1.0] as const;

  /** Uniform noise added to the torque, ±this (0: deterministic, Gymnasium's default). */
  torqueNoiseMax = 0.0;
  bookOrNips: 'book' | 'nips';

  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  override metadata = { renderModes: ['ansi', 'rgb_array'] as ('ansi' | 'rgb_array')[], renderFps: 15 };

  private s: Float64Array = new Float64Array(4);
  private hasState = false;
  // Scratch buffers for RK4, so a step allocates nothing but its observation.
  private readonly k1 = new Float64Array(4);
  private readonly k2 = new Float64Array(4);
  private readonly k3 = new Float64Array(4);
  private readonly k4 = new Float64Array(4);
  private readonly y = new Float64Array(4);

  constructor(options: AcrobotOptions | Record<string, unknown> = {}) {
    super();
    const o = readOptions(NAME, options as Record<string, unknown>, ['renderMode', 'bookOrNips']);
    this.renderMode = renderModeOption(NAME, o.renderMode);
    const bn = o.bookOrNips ?? 'book';
    if (bn !== 'book' && bn !== 'nips') throw new UserError(`${NAME}: bookOrNips must be 'book' or 'nips'`);
    this.bookOrNips = bn;
    const high = new Float32Array([1, 1, 1, 1, AcrobotEnv.MAX_VEL_1, AcrobotEnv.MAX_VEL_2]);
    this.observationSpace = new Box(high.map((v) => -v), high, [6], 'float32');
    this.actionSpace = new Discrete(3);
  }

  /** [θ1, θ2, θ̇1, θ̇2] (a copy), or null before the first reset. */
  get state(): Float64Array | null {
    return this.hasState ? this.s.slice() : null;
  }

  set state(value: ArrayLike<number>) {
    this.s = readState(value, 4, NAME);
    this.hasState = true;
  }

  override reset(opts: ResetOptions = {}): [Float32Array, Info] {
    super.reset(opts);
    const [low, high] = resetBounds(opts.options, -0.1, 0.1);
    // Gymnasium keeps the reset state as float32.
    for (let i = 0; i < 4; i++) this.s[i] = Math.fround(this.npRandom.uniform(low, high));
    this.hasState = true;
    return [this.observation(), {}];
  }

  step(action: number): StepResult<Float32Array> {
    if (action !== 0 && action !== 1 && action !== 2) {
      throw new UserError(`${NAME}: action must be 0, 1 or 2, got ${String(action)}`);
    }
    if (!this.hasState) throw new UserError(`${NAME}: call reset() before step()`);
    let torque: number = AcrobotEnv.AVAIL_TORQUE[action];
    if (this.torqueNoiseMax > 0) torque += this.npRandom.uniform(-this.torqueNoiseMax, this.torqueNoiseMax);

    this.rk4(torque);
    const s = this.s;
    s[0] = wrap(s[0]!, -PI, PI);
    s[1] = wrap(s[1]!, -PI, PI);
    s[2] = bound(s[2]!, -AcrobotEnv.MAX_VEL_1, AcrobotEnv.MAX_VEL_1);
    s[3] = bound(s[3]!, -AcrobotEnv.MAX_VEL_2, AcrobotEnv.MAX_VEL_2);
    const terminated = -cos(s[0]!) - cos(s[1]! + s[0]!) > 1.0;
    const reward = terminated ? 0.0 : -1.0;
    return [this.observation(), reward, terminated, false, {}];
  }

  private observation(): Float32Array {
    const s = this.s;
    return Float32Array.of(cos(s[0]!), sin(s[0]!), cos(s[1]!), sin(s[1]!), s[2]!, s[3]!);
  }

  /** One classical RK4 step over [0, dt], with Gymnasium's operation order. */
  private rk4(torque: number): void {
    const { k1, k2, k3, k4, y } = this;
    const y0 = this.s;
    const dt = AcrobotEnv.dt - 0; // t[1] − t[0]
    const dt2 = dt / 2.0;
    this.dsdt(y0, torque, k1);
    for (let i = 0; i < 4; i++) y[i] = y0[i]! + dt2 * k1[i]!;
    this.dsdt(y, torque, k2);
    for (let i = 0; i < 4; i++) y[i] = y0[i]! + dt2 * k2[i]!;
    this.dsdt(y, torque, k3);
    for (let i = 0; i < 4; i++) y[i] = y0[i]! + dt * k3[i]!;
    this.dsdt(y, torque, k4);
    const c = dt / 6.0;
    for (let i = 0; i < 4; i++) {
      y0[i] = y0[i]! + c * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
    }
  }

  /** Time derivative of the state under torque a (written into out). */
  private dsdt(s: Float64Array, a: number, out: Float64Array): void {
    const m1 = AcrobotEnv.LINK_MASS_1;
    const m2 = AcrobotEnv.LINK_MASS_2;
    const l1 = AcrobotEnv.LINK_LENGTH_1;
    const lc1 = AcrobotEnv.LINK_COM_POS_1;
    const lc2 = AcrobotEnv.LINK_COM_POS_2;
    const I1 = AcrobotEnv.LINK_MOI;
    const I2 = AcrobotEnv.LINK_MOI;
    const g = 9.8;
    const theta1 = s[0]!;
    const theta2 = s[1]!;
    const dtheta1 = s[2]!;
    const dtheta2 = s[3]!;
    // Operation order mirrors the reference so every float64 rounding agrees.
    sincos(theta2, SC); // one evaluation for the four uses of cos θ2 and sin θ2
    const s2 = SC[0]!;
    const c2 = SC[1]!;
    const d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * c2) + I1 + I2;
    const d2 = m2 * (lc2 * lc2 + l1 * lc2 * c2) + I2;
    const phi2 = m2 * lc2 * g * cos(theta1 + theta2 - PI / 2.0);
    const phi1 =
      -m2 * l1 * lc2 * (dtheta2 * dtheta2) * s2 -
      2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * s2 +
      (m1 * lc1 + m2 * l1) * g * cos(theta1 - PI / 2) +
      phi2;
    let ddtheta2: number;
    if (this.bookOrNips === 'nips') {
      ddtheta2 = (a + (d2 / d1) * phi1 - phi2) / (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1);
    } else {
      ddtheta2 =
        (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * s2 - phi2) /
        (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1);
    }
    const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    out[0] = dtheta1;
    out[1] = dtheta2;
    out[2] = ddtheta1;
    out[3] = ddtheta2;
  }

  override render(): string | RgbFrame | undefined {
    if (this.renderMode === undefined) {
      process.emitWarning(`${NAME}: render() called without a render mode; make the env with renderMode 'ansi' or 'rgb_array'`);
      return undefined;
    }
    if (!this.hasState) return undefined;
    const s = this.s;
    if (this.renderMode === 'ansi') {
      const tip = -Math.cos(s[0]!) - Math.cos(s[1]! + s[0]!);
      return `Acrobot theta1=${fmt(s[0]!)} theta2=${fmt(s[1]!)} dtheta1=${fmt(s[2]!)} dtheta2=${fmt(s[3]!)} tip_height=${fmt(tip)} (goal > 1)`;
    }
    return renderAcrobot(s[0]!, s[1]!, AcrobotEnv.LINK_LENGTH_1, AcrobotEnv.LINK_LENGTH_2);
  }
}

/** Wrap x into [m, M] by whole turns (Gymnasium's loop form, kept for identical rounding). */
function wrap(x: number, m: number, M: number): number {
  if (!Number.isFinite(x)) return x; // the loops below would never end
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

function bound(x: number, m: number, M: number): number {
  return Math.min(Math.max(x, m), M);
}
