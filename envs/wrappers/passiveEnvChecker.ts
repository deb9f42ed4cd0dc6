// Checks what crosses the env boundary: every action must have the form of the
// action space (a clear error instead of silent nonsense physics), and the first
// reset and step must return values of the right form. Observations outside
// the observation space only warn, once, as in Gymnasium.
//
// Actions: a discrete action (Discrete, MultiBinary, MultiDiscrete, Tuple, Dict)
// must be in the space. A Box action must have the right shape and type and no
// NaN, but may lie outside the bounds: Gymnasium's checker does not look at
// actions, and its Box envs handle them (Pendulum and MountainCarContinuous clip
// inside step, MuJoCo clamps a limited control, LunarLander clips).
import { UserError } from '../../src/errors.js';
import type { Env, Info, ResetOptions, StepResult } from '../core/env.js';
import { Space } from '../spaces/space.js';
import { explainBadAction, explainNotContained } from '../spaces/explain.js';
import { isPlainObject, preview } from '../spaces/util.js';
import { Wrapper } from './wrapper.js';

const warned = new Set<string>();

/** Emits a warning once per distinct message (process-wide). */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message);
}

export class PassiveEnvChecker<O, A> extends Wrapper<O, A> {
  private checkedReset = false;
  private checkedStep = false;

  constructor(env: Env<O, A>) {
    super(env);
    const name = env.spec?.id ?? env.unwrapped.constructor.name;
    if (!(env.observationSpace instanceof Space)) throw new UserError(`${name}: observationSpace is not a Space`);
    if (!(env.actionSpace instanceof Space)) throw new UserError(`${name}: actionSpace is not a Space`);
  }

  private name(): string {
    return this.spec?.id ?? this.unwrapped.constructor.name;
  }

  override reset(opts: ResetOptions = {}): [O, Info] {
    const result = this.env.reset(opts);
    if (!this.checkedReset) {
      this.checkedReset = true;
      if (!Array.isArray(result) || result.length !== 2) {
        throw new UserError(`${this.name()}: reset() must return [observation, info], got ${preview(result)}`);
      }
      if (!isPlainObject(result[1])) throw new UserError(`${this.name()}: reset() info must be a plain object, got ${preview(result[1])}`);
      this.checkObservation(result[0], 'reset()');
    }
    return result;
  }

  override step(action: A): StepResult<O> {
    const space = this.env.actionSpace;
    const why = explainBadAction(space, action);
    if (why !== undefined) {
      throw new UserError(`${this.name()}: invalid action ${preview(action)}: ${why}; the action space is ${space.toString()}`);
    }
    const result = this.env.step(action);
    if (!this.checkedStep) {
      this.checkedStep = true;
      this.checkStep(result);
    }
    return result;
  }

  private checkObservation(obs: unknown, where: string): void {
    const why = explainNotContained(this.env.observationSpace, obs);
    if (why !== undefined) {
      warnOnce(`${this.name()}: the observation returned by ${where} is not in ${this.env.observationSpace.toString()}: ${why}`);
    }
  }

  private checkStep(result: unknown): void {
    const n = this.name();
    if (!Array.isArray(result) || result.length !== 5) {
      throw new UserError(`${n}: step() must return [obs, reward, terminated, truncated, info], got ${preview(result)}`);
    }
    const [obs, reward, terminated, truncated, info] = result as unknown[];
    if (typeof reward !== 'number') throw new UserError(`${n}: step() reward must be a number, got ${preview(reward)}`);
    if (!Number.isFinite(reward)) warnOnce(`${n}: step() returned a non-finite reward ${reward}`);
    if (typeof terminated !== 'boolean') throw new UserError(`${n}: step() terminated must be a boolean, got ${preview(terminated)}`);
    if (typeof truncated !== 'boolean') throw new UserError(`${n}: step() truncated must be a boolean, got ${preview(truncated)}`);
    if (!isPlainObject(info)) throw new UserError(`${n}: step() info must be a plain object, got ${preview(info)}`);
    this.checkObservation(obs, 'step()');
  }
}
