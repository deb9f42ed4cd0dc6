// Inverted pendulum swing-up, step for step as Gymnasium 1.x's PendulumEnv (v1).
import { Env, type Info, type ResetOptions, type RgbFrame, type StepResult } from '../core/env.js';
import { Box } from '../spaces/box.js';
import { UserError } from '../../src/errors.js';
import { preview } from '../spaces/util.js';
import { renderPendulum } from '../render/classic.js';
import { sin, sincos } from './trig.js';
import { floorMod, fmt, optionNumber, readOptions, readState, renderModeOption } from './utils.js';

export interface PendulumOptions {
  renderMode?: 'ansi' | 'rgb_array';
  /** Gravity (default 10.0). */
  g?: number;
}

const NAME = 'Pendulum';
const SC = new Float64Array(2); // sincos scratch
const f32 = Math.fround;

/** Wrap an angle into [−π, π) with a floored modulo, as Gymnasium's angle_normalize. */
export function angleNormalize(x: number): number {
  return floorMod(x + Math.PI, 2 * Math.PI) - Math.PI;
}

/**
 * State [θ, θ̇] in float64 (θ = 0 upright); observation [cos θ, sin θ, θ̇] as float32; action
 * [torque] (float32), clipped to ±2 inside `step` BEFORE the cost is computed (as Gymnasium's
 * np.clip: an out-of-range torque, even ±Infinity, is not an error; NaN or a wrong shape is). The reward is
 * −(θ² + 0.1 θ̇² + 0.001 u²) on the state before the step; episodes never terminate.
 * As in NumPy 2, the terms with the float32 torque (0.001·u², 3·u) are computed in float32.
 */
export class PendulumEnv extends Env<Float32Array, Float32Array | ArrayLike<number>> {
  readonly maxSpeed = 8;
  readonly maxTorque = 2.0;
  readonly dt = 0.05;
  readonly g: number;
  readonly m = 1.0;
  readonly l = 1.0;

  readonly observationSpace: Box;
  readonly actionSpace: Box;
  override metadata = { renderModes: ['ansi', 'rgb_array'] as ('ansi' | 'rgb_array')[], renderFps: 30 };

  private th = 0;
  private thdot = 0;
  private hasState = false;
  /** The last clipped torque, for rendering (null after reset). */
  lastU: number | null = null;

  constructor(options: PendulumOptions | Record<string, unknown> = {}) {
    super();
    const o = readOptions(NAME, options as Record<string, unknown>, ['renderMode', 'g']);
    this.renderMode = renderModeOption(NAME, o.renderMode);
    this.g = o.g === undefined ? 10.0 : optionNumber(o.g, 'g');
    const high = Float32Array.of(1.0, 1.0, this.maxSpeed);
    this.observationSpace = new Box(high.map((v) => -v), high, [3], 'float32');
    this.actionSpace = new Box(Float32Array.of(-this.maxTorque), Float32Array.of(this.maxTorque), [1], 'float32');
  }

  /** [θ, θ̇] (a copy), or null before the first reset. */
  get state(): Float64Array | null {
    return this.hasState ? Float64Array.of(this.th, this.thdot) : null;
  }

  set state(value: ArrayLike<number>) {
    const s = readState(value, 2, NAME);
    this.th = s[0]!;
    this.thdot = s[1]!;
    this.hasState = true;
  }

  /** Options: `x_init` (θ range ±x, default π) and `y_init` (θ̇ range ±y, default 1); camelCase also accepted. */
  override reset(opts: ResetOptions = {}): [Float32Array, Info] {
    super.reset(opts);
    let x = Math.PI;
    let y = 1.0;
    const o = opts.options;
    if (o) {
      const xv = 'x_init' in o ? o.x_init : o.xInit;
      const yv = 'y_init' in o ? o.y_init : o.yInit;
      if (xv !== undefined) x = optionNumber(xv, 'x_init');
      if (yv !== undefined) y = optionNumber(yv, 'y_init');
    }
    // Symmetric ranges, as Gymnasium enforces.
    this.th = this.npRandom.uniform(-x, x);
    this.thdot = this.npRandom.uniform(-y, y);
    this.hasState = true;
    this.lastU = null;
    return [this.observation(), {}];
  }

  step(action: Float32Array | ArrayLike<number> | number): StepResult<Float32Array> {
    const raw = typeof action === 'number' ? action : action?.length === 1 ? action[0] : undefined;
    if (typeof raw !== 'number') throw new UserError(`${NAME}: action must be an array of 1 number, got ${preview(action)}`);
    if (Number.isNaN(raw)) throw new UserError(`${NAME}: the action is NaN`);
    if (!this.hasState) throw new UserError(`${NAME}: call reset() before step()`);
    const th = this.th;
    const thdot = this.thdot;
    const { g, m, l, dt } = this;

    const u = f32(Math.min(Math.max(f32(raw), -this.maxTorque), this.maxTorque));
    this.lastU = u;
    const an = angleNormalize(th);
    const costs = an * an + 0.1 * (thdot * thdot) + f32(f32(0.001) * f32(u * u));

    let newthdot = thdot + (((3 * g) / (2 * l)) * sin(th) + f32(f32(3.0 / (m * (l * l))) * u)) * dt;
    newthdot = Math.min(Math.max(newthdot, -this.maxSpeed), this.maxSpeed);
    const newth = th + newthdot * dt;
    this.th = newth;
    this.thdot = newthdot;
    return [this.observation(), -costs, false, false, {}];
  }

  private observation(): Float32Array {
    sincos(this.th, SC);
    return Float32Array.of(SC[1]!, SC[0]!, this.thdot);
  }

  override render(): string | RgbFrame | undefined {
    if (this.renderMode === undefined) {
      process.emitWarning(`${NAME}: render() called without a render mode; make the env with renderMode 'ansi' or 'rgb_array'`);
      return undefined;
    }
    if (!this.hasState) return undefined;
    if (this.renderMode === 'ansi') {
      const u = this.lastU === null ? '   none' : fmt(this.lastU);
      return `Pendulum theta=${fmt(angleNormalize(this.th))} theta_dot=${fmt(this.thdot)} torque=${u}`;
    }
    return renderPendulum(this.th, this.lastU);
  }
}
