// Mountain car (Moore 1990), discrete actions, step for step as Gymnasium 1.x's MountainCarEnv.
import { Env, type Info, type ResetOptions, type RgbFrame, type StepResult } from '../core/env.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { UserError } from '../../src/errors.js';
import { renderMountainCar } from '../render/classic.js';
import { cos } from './trig.js';
import { fmt, optionNumber, readOptions, readState, renderModeOption, resetBounds } from './utils.js';

export interface MountainCarOptions {
  renderMode?: 'ansi' | 'rgb_array';
  /** Minimum velocity at the goal for the episode to end (default 0). */
  goalVelocity?: number;
}

const NAME = 'MountainCar';

/** State [position, velocity] in float64; observation the same as float32. Actions: 0 left, 1 none, 2 right. */
export class MountainCarEnv extends Env<Float32Array, number> {
  readonly minPosition = -1.2;
  readonly maxPosition = 0.6;
  readonly maxSpeed = 0.07;
  readonly goalPosition = 0.5;
  readonly goalVelocity: number;
  readonly force = 0.001;
  readonly gravity = 0.0025;

  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  override metadata = { renderModes: ['ansi', 'rgb_array'] as ('ansi' | 'rgb_array')[], renderFps: 30 };

  private position = 0;
  private velocity = 0;
  private hasState = false;

  constructor(options: MountainCarOptions | Record<string, unknown> = {}) {
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
    this.actionSpace = new Discrete(3);
  }

  /** [position, velocity] (a copy), or null before the first reset. */
  get state(): Float64Array | null {
    return this.hasState ? Float64Array.of(this.position, this.velocity) : null;
  }

  set state(value: ArrayLike<number>) {
    const s = readState(value, 2, NAME);
    this.position = s[0]!;
    this.velocity = s[1]!;
    this.hasState = true;
  }

  override reset(opts: ResetOptions = {}): [Float32Array, Info] {
    super.reset(opts);
    const [low, high] = resetBounds(opts.options, -0.6, -0.4);
    this.position = this.npRandom.uniform(low, high);
    this.velocity = 0;
    this.hasState = true;
    return [Float32Array.of(this.position, this.velocity), {}];
  }

  step(action: number): StepResult<Float32Array> {
    if (action !== 0 && action !== 1 && action !== 2) {
      throw new UserError(`${NAME}: action must be 0, 1 or 2, got ${String(action)}`);
    }
    if (!this.hasState) throw new UserError(`${NAME}: call reset() before step()`);
    let position = this.position;
    let velocity = this.velocity;
    velocity += (action - 1) * this.force + cos(3 * position) * -this.gravity;
    velocity = Math.min(Math.max(velocity, -this.maxSpeed), this.maxSpeed);
    position += velocity;
    position = Math.min(Math.max(position, this.minPosition), this.maxPosition);
    // Inelastic collision with the left wall.
    if (position === this.minPosition && velocity < 0) velocity = 0;
    const terminated = position >= this.goalPosition && velocity >= this.goalVelocity;
    this.position = position;
    this.velocity = velocity;
    return [Float32Array.of(position, velocity), -1.0, terminated, false, {}];
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

/** One line of text plus a 40-column track with the car (C) and the flag (F). */
export function mountainCarAnsi(name: string, position: number, velocity: number, goal: number): string {
  const cols = 40;
  const at = (p: number) => Math.max(0, Math.min(cols - 1, Math.round(((p + 1.2) / 1.8) * (cols - 1))));
  const track = Array.from({ length: cols }, () => '_');
  track[at(goal)] = 'F';
  track[at(position)] = 'C';
  return `${name} position=${fmt(position)} velocity=${fmt(velocity)}\n|${track.join('')}|`;
}
