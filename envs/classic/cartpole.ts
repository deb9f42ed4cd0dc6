// CartPole (Barto, Sutton & Anderson 1983), step for step as Gymnasium 1.x's CartPoleEnv.
import { Env, type Info, type ResetOptions, type RgbFrame, type StepResult } from '../core/env.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { UserError } from '../../src/errors.js';
import { renderCartPole } from '../render/classic.js';
import { sincos } from './trig.js';
import { fmt, readOptions, readState, renderModeOption, resetBounds } from './utils.js';

const SC = new Float64Array(2); // sincos output scratch

export interface CartPoleOptions {
  renderMode?: 'ansi' | 'rgb_array';
  /** Reward 0 per surviving step and −1 on (and after) failure, as the original Sutton–Barto code. */
  suttonBartoReward?: boolean;
  /** 'euler' (default, Gymnasium's) or 'semi-implicit' (velocities first). */
  kinematicsIntegrator?: 'euler' | 'semi-implicit';
}

const NAME = 'CartPole';

/**
 * Observation: [x, ẋ, θ, θ̇] as float32; the physics runs in float64 (`state`).
 *
 * Speed: `step` returns a fresh 4-element Float32Array each call (no shared buffer), so
 * observations may be kept; ~7–8 M steps per CPU-second (envs/classic/README.md).
 */
export class CartPoleEnv extends Env<Float32Array, number> {
  readonly gravity = 9.8;
  readonly masscart = 1.0;
  readonly masspole = 0.1;
  readonly totalMass = this.masspole + this.masscart;
  readonly length = 0.5; // half the pole's length
  readonly polemassLength = this.masspole * this.length;
  readonly forceMag = 10.0;
  readonly tau = 0.02; // seconds between state updates
  /** Failure angle: 12 degrees, computed as Gymnasium does (12 * 2 * pi / 360). */
  readonly thetaThresholdRadians = (12 * 2 * Math.PI) / 360;
  readonly xThreshold = 2.4;
  kinematicsIntegrator: 'euler' | 'semi-implicit';
  readonly suttonBartoReward: boolean;

  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  override metadata = { renderModes: ['ansi', 'rgb_array'] as ('ansi' | 'rgb_array')[], renderFps: 50 };

  // The state as four plain numbers: faster than a typed array on the hot path.
  private x = 0;
  private xDot = 0;
  private theta = 0;
  private thetaDot = 0;
  private hasState = false;
  /** null until the pole first falls, then the number of steps taken since (Gymnasium's steps_beyond_terminated). */
  private stepsBeyondTerminated: number | null = null;

  constructor(options: CartPoleOptions | Record<string, unknown> = {}) {
    super();
    const o = readOptions(NAME, options as Record<string, unknown>, [
      'renderMode',
      'suttonBartoReward',
      'kinematicsIntegrator',
    ]);
    this.renderMode = renderModeOption(NAME, o.renderMode);
    this.suttonBartoReward = o.suttonBartoReward === undefined ? false : Boolean(o.suttonBartoReward);
    const integ = o.kinematicsIntegrator ?? 'euler';
    if (integ !== 'euler' && integ !== 'semi-implicit') {
      throw new UserError(`${NAME}: kinematicsIntegrator must be 'euler' or 'semi-implicit'`);
    }
    this.kinematicsIntegrator = integ;
    // Angle bound at twice the threshold so the failing observation is still inside the box.
    const high = new Float32Array([this.xThreshold * 2, Infinity, this.thetaThresholdRadians * 2, Infinity]);
    this.observationSpace = new Box(high.map((v) => -v), high, [4], 'float32');
    this.actionSpace = new Discrete(2);
  }

  /** The physical state [x, ẋ, θ, θ̇] in float64 (a copy), or null before the first reset. */
  get state(): Float64Array | null {
    return this.hasState ? Float64Array.of(this.x, this.xDot, this.theta, this.thetaDot) : null;
  }

  set state(value: ArrayLike<number>) {
    const s = readState(value, 4, NAME);
    this.x = s[0]!;
    this.xDot = s[1]!;
    this.theta = s[2]!;
    this.thetaDot = s[3]!;
    this.hasState = true;
  }

  override reset(opts: ResetOptions = {}): [Float32Array, Info] {
    super.reset(opts);
    const [low, high] = resetBounds(opts.options, -0.05, 0.05);
    const r = this.npRandom;
    this.x = r.uniform(low, high);
    this.xDot = r.uniform(low, high);
    this.theta = r.uniform(low, high);
    this.thetaDot = r.uniform(low, high);
    this.hasState = true;
    this.stepsBeyondTerminated = null;
    return [Float32Array.of(this.x, this.xDot, this.theta, this.thetaDot), {}];
  }

  step(action: number): StepResult<Float32Array> {
    if (action !== 0 && action !== 1) {
      throw new UserError(`${NAME}: action must be 0 or 1, got ${String(action)}`);
    }
    if (!this.hasState) throw new UserError(`${NAME}: call reset() before step()`);
    let x = this.x;
    let xDot = this.xDot;
    let theta = this.theta;
    let thetaDot = this.thetaDot;
    const force = action === 1 ? this.forceMag : -this.forceMag;
    // Correctly rounded, as glibc (NumPy's libm) nearly always is; see trig.ts.
    sincos(theta, SC);
    const sintheta = SC[0]!;
    const costheta = SC[1]!;
    // Same operation order as Gymnasium so float64 results agree to the last bit.
    const temp = (force + this.polemassLength * (thetaDot * thetaDot) * sintheta) / this.totalMass;
    const thetaacc =
      (this.gravity * sintheta - costheta * temp) /
      (this.length * (4.0 / 3.0 - (this.masspole * (costheta * costheta)) / this.totalMass));
    const xacc = temp - (this.polemassLength * thetaacc * costheta) / this.totalMass;

    if (this.kinematicsIntegrator === 'euler') {
      x = x + this.tau * xDot;
      xDot = xDot + this.tau * xacc;
      theta = theta + this.tau * thetaDot;
      thetaDot = thetaDot + this.tau * thetaacc;
    } else {
      xDot = xDot + this.tau * xacc;
      x = x + this.tau * xDot;
      thetaDot = thetaDot + this.tau * thetaacc;
      theta = theta + this.tau * thetaDot;
    }
    this.x = x;
    this.xDot = xDot;
    this.theta = theta;
    this.thetaDot = thetaDot;

    // Tested on the float64 state, not on the float32 observation.
    const terminated =
      x < -this.xThreshold ||
      x > this.xThreshold ||
      theta < -this.thetaThresholdRadians ||
      theta > this.thetaThresholdRadians;

    let reward: number;
    if (!terminated) {
      reward = this.suttonBartoReward ? 0.0 : 1.0;
    } else if (this.stepsBeyondTerminated === null) {
      // The pole just fell: this step still earns the normal reward (−1 in Sutton–Barto form).
      this.stepsBeyondTerminated = 0;
      reward = this.suttonBartoReward ? -1.0 : 1.0;
    } else {
      // Stepping past termination is undefined behaviour in Gymnasium; it keeps integrating and pays 0 (or −1).
      if (this.stepsBeyondTerminated === 0) {
        process.emitWarning(
          `${NAME}: step() called after terminated = true; call reset() first (further steps are undefined behaviour)`,
        );
      }
      this.stepsBeyondTerminated += 1;
      reward = this.suttonBartoReward ? -1.0 : 0.0;
    }

    const obs = new Float32Array(4);
    obs[0] = x;
    obs[1] = xDot;
    obs[2] = theta;
    obs[3] = thetaDot;
    return [obs, reward, terminated, false, {}];
  }

  override render(): string | RgbFrame | undefined {
    if (this.renderMode === undefined) {
      process.emitWarning(`${NAME}: render() called without a render mode; make the env with renderMode 'ansi' or 'rgb_array'`);
      return undefined;
    }
    if (!this.hasState) return undefined;
    if (this.renderMode === 'ansi') {
      return `CartPole x=${fmt(this.x)} x_dot=${fmt(this.xDot)} theta=${fmt(this.theta)} theta_dot=${fmt(this.thetaDot)}`;
    }
    return renderCartPole(this.x, this.theta, this.xThreshold, this.length);
  }
}
