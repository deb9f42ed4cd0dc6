// Mountain car with a continuous force, step for step as Gymnasium 1.x's Continuous_MountainCarEnv.
import { Env, type Info, type ResetOptions, type RgbFrame, type StepResult } from '../core/env.js';
import { Box } from '../spaces/box.js';
import { UserError } from '../../src/errors.js';
import { preview } from '../spaces/util.js';
import { renderMountainCar } from '../render/classic.js';
import { mountainCarAnsi } from './mountainCar.js';
import { cos } from './trig.js';
import { optionNumber, readOptions, readState, renderModeOption, resetBounds } from './utils.js';

export interface MountainCarContinuousOptions {
  renderMode?: 'ansi' | 'rgb_array';
  /** Minimum velocity at the goal for the episode to end (default 0). */
  goalVelocity?: number;
}

const NAME = 'MountainCarContinuous';
const f32 = Math.fround;

/**
 * State [position, velocity]; action [force] in [−1, 1] (a float32 value; clipped inside `step`
 * for the physics, but the −0.1·a² penalty uses the action as given, as Gymnasium does; an
 * out-of-range force is not an error, NaN or a wrong shape is).
 *
 * The goal test (position ≥ 0.45 and velocity ≥ goal_velocity) is made on the new position and
 * velocity BEFORE they are stored as float32, in the precision they have then: float64 on the
 * first step after `reset` (Gymnasium's reset state is a float64 array), float32 afterwards
 * (compared with float32(0.45) under NumPy 2's rules), float64 again for a value just clipped
 * to a Python float bound. cos(3·position) is the correctly rounded one (`trig.ts`); at the
 * boundary a one-ulp difference from NumPy's (glibc's) cos can decide the reward (100 or 0).
 *
 * Precision: Gymnasium stores this env's state as a float32 array after every step, and NumPy 2
 * then computes parts of the next step in float32 (products with float32 scalars, comparisons of
 * a float32 against a Python float, which NumPy makes in float32). This class tracks, per value,
 * whether NumPy would hold it as float32 or float64 and rounds with Math.fround where NumPy would.
 * The state after `reset` is float64 (as Gymnasium's); so is a state set from a Float64Array or a
 * number[]; a state set from a Float32Array is treated as float32.
 */
export class MountainCarContinuousEnv extends Env<Float32Array, Float32Array | ArrayLike<number>> {
  readonly minAction = -1.0;
  readonly maxAction = 1.0;
  readonly minPosition = -1.2;
  readonly maxPosition = 0.6;
  readonly maxSpeed = 0.07;
  readonly goalPosition = 0.45;
  readonly goalVelocity: number;
  readonly power = 0.0015;

  readonly observationSpace: Box;
  readonly actionSpace: Box;
  override metadata = { renderModes: ['ansi', 'rgb_array'] as ('ansi' | 'rgb_array')[], renderFps: 30 };

  private position = 0;
  private velocity = 0;
  /** Whether the stored state is a float32 array (true after any step). */
  private stateIsF32 = false;
  private hasState = false;

  constructor(options: MountainCarContinuousOptions | Record<string, unknown> = {}) {
    super();
    const o = readOptions(NAME, options as Record<string, unknown>, ['renderMode', 'goalVelocity']);
    this.renderMode = renderModeOption(NAME, o.renderMode);
    this.goalVelocity = o.goalVelocity === undefined ? 0 : optionNumber(o.goalVelocity, 'goalVelocity');
    this.observationSpace = new Box(
      Float32Array.of(this.minPosition, -this.maxSpeed),
      Float32Array.of(this.maxPosition, this.maxSpeed),
      [2],
      'float32',
    );
    this.actionSpace = new Box(Float32Array.of(this.minAction), Float32Array.of(this.maxAction), [1], 'float32');
  }

  /** [position, velocity] (a copy: Float32Array once stepped, Float64Array after reset), or null before reset. */
  get state(): Float64Array | Float32Array | null {
    if (!this.hasState) return null;
    return this.stateIsF32 ? Float32Array.of(this.position, this.velocity) : Float64Array.of(this.position, this.velocity);
  }

  set state(value: ArrayLike<number>) {
    const s = readState(value, 2, NAME);
    this.stateIsF32 = value instanceof Float32Array;
    this.position = s[0]!;
    this.velocity = s[1]!;
    this.hasState = true;
  }

  override reset(opts: ResetOptions = {}): [Float32Array, Info] {
    super.reset(opts);
    const [low, high] = resetBounds(opts.options, -0.6, -0.4);
    this.position = this.npRandom.uniform(low, high);
    this.velocity = 0;
    this.stateIsF32 = false;
    this.hasState = true;
    return [Float32Array.of(this.position, this.velocity), {}];
  }

  step(action: Float32Array | ArrayLike<number> | number): StepResult<Float32Array> {
    const raw = typeof action === 'number' ? action : action?.length === 1 ? action[0] : undefined;
    if (typeof raw !== 'number') throw new UserError(`${NAME}: action must be an array of 1 number, got ${preview(action)}`);
    if (Number.isNaN(raw)) throw new UserError(`${NAME}: the action is NaN`);
    if (!this.hasState) throw new UserError(`${NAME}: call reset() before step()`);
    const a = f32(raw); // the action space is float32

    // p, v: values; pF, vF: whether NumPy would hold them as float32 scalars.
    let p = this.position;
    let v = this.velocity;
    let pF = this.stateIsF32;
    let vF = this.stateIsF32;

    // force = min(max(a, −1), 1): stays the float32 action unless a bound (a Python float) wins.
    let force = a;
    let forceF = true;
    if (this.minAction > a) {
      force = this.minAction;
      forceF = false;
    }
    if (this.maxAction < force) {
      force = this.maxAction;
      forceF = false;
    }
    const push = forceF ? f32(force * f32(this.power)) : force * this.power;
    const pull = 0.0025 * cos(pF ? f32(3 * p) : 3 * p); // math.cos: always a float64
    let dv: number;
    let dvF: boolean;
    if (forceF) {
      dv = f32(push - f32(pull));
      dvF = true;
    } else {
      dv = push - pull;
      dvF = false;
    }
    if (vF) v = f32(v + (dvF ? dv : f32(dv)));
    else v = v + dv;

    // Comparisons of a float32 with a Python float happen in float32 under NumPy 2.
    if (vF ? v > f32(this.maxSpeed) : v > this.maxSpeed) {
      v = this.maxSpeed;
      vF = false;
    }
    if (vF ? v < f32(-this.maxSpeed) : v < -this.maxSpeed) {
      v = -this.maxSpeed;
      vF = false;
    }
    if (pF) p = f32(p + (vF ? v : f32(v)));
    else p = p + v;
    if (pF ? p > f32(this.maxPosition) : p > this.maxPosition) {
      p = this.maxPosition;
      pF = false;
    }
    if (pF ? p < f32(this.minPosition) : p < this.minPosition) {
      p = this.minPosition;
      pF = false;
    }
    if ((pF ? p === f32(this.minPosition) : p === this.minPosition) && v < 0) {
      v = 0;
      vF = false;
    }

    const terminated =
      (pF ? p >= f32(this.goalPosition) : p >= this.goalPosition) &&
      (vF ? v >= f32(this.goalVelocity) : v >= this.goalVelocity);

    // The control penalty uses the unclipped action.
    const reward = (terminated ? 100.0 : 0) - a * a * 0.1;

    this.position = f32(p);
    this.velocity = f32(v);
    this.stateIsF32 = true;
    return [Float32Array.of(this.position, this.velocity), reward, terminated, false, {}];
  }

  override render(): string | RgbFrame | undefined {
    if (this.renderMode === undefined) {
      process.emitWarning(`${NAME}: render() called without a render mode; make the env with renderMode 'ansi' or 'rgb_array'`);
      return undefined;
    }
    if (!this.hasState) return undefined;
    if (this.renderMode === 'ansi') return mountainCarAnsi(NAME, this.position, this.velocity, this.goalPosition);
    return renderMountainCar(this.position, this.minPosition, this.maxPosition, this.goalPosition);
  }
}
