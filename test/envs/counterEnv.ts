// A tiny deterministic env for the API tests: observation [t, x] where x starts
// at a seeded uniform draw and moves by (action − 1); reward = action;
// the episode terminates after `terminateAt` steps.
import { Env, type Info, type ResetOptions, type StepResult } from '../../envs/core/env.js';
import { register } from '../../envs/core/registry.js';
import { Box } from '../../envs/spaces/box.js';
import { Discrete } from '../../envs/spaces/discrete.js';

export interface CounterOptions {
  terminateAt?: number;
  renderMode?: 'ansi';
}

export class CounterEnv extends Env<Float32Array, number> {
  readonly observationSpace = new Box(-1000, 1000, [2], 'float32');
  readonly actionSpace = new Discrete(3);
  override metadata = { renderModes: ['ansi' as const] };
  readonly terminateAt: number;
  /** Extra state, reachable through `unwrapped` as classic envs' `state`. */
  state = new Float64Array(2);
  resets = 0;

  constructor(opts: CounterOptions = {}) {
    super();
    this.terminateAt = opts.terminateAt ?? 5;
    this.renderMode = opts.renderMode;
  }

  override reset(opts: ResetOptions = {}): [Float32Array, Info] {
    super.reset(opts);
    this.resets++;
    this.state[0] = 0;
    this.state[1] = this.npRandom.uniform(-1, 1);
    return [Float32Array.from(this.state), { resets: this.resets }];
  }

  step(action: number): StepResult<Float32Array> {
    this.state[0] += 1;
    this.state[1] += action - 1;
    const terminated = this.state[0] >= this.terminateAt;
    return [Float32Array.from(this.state), action, terminated, false, { t: this.state[0] }];
  }

  override render(): string {
    return `t=${this.state[0]} x=${this.state[1].toFixed(3)}`;
  }
}

/** A continuous-action twin: action Box(-1, 1, [2]); x += a0 + a1; reward = −|x|; never terminates. */
export class DriftEnv extends Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box(-Infinity, Infinity, [1], 'float32');
  readonly actionSpace = new Box(-1, 1, [2], 'float32');
  x = 0;
  lastAction?: Float32Array;

  override reset(opts: ResetOptions = {}): [Float32Array, Info] {
    super.reset(opts);
    this.x = this.npRandom.normal();
    return [Float32Array.of(this.x), {}];
  }

  step(action: Float32Array): StepResult<Float32Array> {
    this.lastAction = Float32Array.from(action);
    this.x += action[0] + action[1];
    return [Float32Array.of(this.x), -Math.abs(this.x), false, false, {}];
  }
}

export function registerTestEnvs(): void {
  register({ id: 'TestCounter-v0', entryPoint: (o) => new CounterEnv(o as CounterOptions), maxEpisodeSteps: 10, rewardThreshold: 3 });
  register({ id: 'TestCounterLong-v0', entryPoint: (o) => new CounterEnv({ terminateAt: 1000, ...(o as CounterOptions) }), maxEpisodeSteps: 4 });
  register({ id: 'TestDrift-v0', entryPoint: () => new DriftEnv(), maxEpisodeSteps: 50 });
}
