// Adds the number of steps taken in the episode to the observation (as Gymnasium's
// TimeAwareObservation): a Dict observation gets a `time` key (dictTimeKey), a Tuple a last
// element, any other becomes Dict({ obs, time }); with `flatten` (the default) the result is
// flattened to one Box (Gymnasium's spaces.flatten: obs elements, then the time).
//
// time is t (steps since reset) or, with normalizeTime, t / maxEpisodeSteps as float32 in
// Box(0, 1). Gymnasium's unnormalised time is an int32 Box(0, max); this library has float
// Boxes only, so it is Box(0, max, [1], float64) here: flattened with float32 observations the
// result is float64, as Gymnasium's flattened space (float32 with int32 promotes to float64).
// The limit comes from env.spec.maxEpisodeSteps or a TimeLimit wrapper inside.
import { UserError } from '../../src/errors.js';
import type { Env, Info, ResetOptions, StepResult } from '../core/env.js';
import { Box, type BoxValue } from '../spaces/box.js';
import { Dict } from '../spaces/dict.js';
import { flattenSpace, flattenValue } from '../spaces/flatten.js';
import type { Space } from '../spaces/space.js';
import { Tuple } from '../spaces/tuple.js';
import { TimeLimit } from './timeLimit.js';
import { Wrapper } from './wrapper.js';

export interface TimeAwareObservationOptions {
  /** Flatten the observation to one Box (default true). */
  flatten?: boolean;
  /** Time as t / maxEpisodeSteps in [0, 1] (float32) instead of t (default false). */
  normalizeTime?: boolean;
  /** The key added to a Dict observation (default 'time'). */
  dictTimeKey?: string;
}

function findLimit(env: Env<any, any>): number | undefined {
  if (env.spec?.maxEpisodeSteps !== undefined) return env.spec.maxEpisodeSteps;
  for (let e: Env<any, any> = env; e instanceof Wrapper; e = e.env) if (e instanceof TimeLimit) return e.maxEpisodeSteps;
  return undefined;
}

/** O: the observation (a flat Float32Array/Float64Array with `flatten`, else a Dict or Tuple value). */
export class TimeAwareObservation<A, O = BoxValue> extends Wrapper<O, A, unknown, A> {
  readonly maxTimesteps: number;
  readonly flatten: boolean;
  readonly normalizeTime: boolean;
  /** Steps since the last reset. */
  timesteps = 0;
  private readonly structured: Space<unknown>;
  private readonly append: (obs: unknown, time: Float32Array | Float64Array) => unknown;

  constructor(env: Env<unknown, A>, opts: TimeAwareObservationOptions = {}) {
    super(env);
    const limit = findLimit(env);
    if (limit === undefined) {
      throw new UserError('TimeAwareObservation: the env must have a step limit (make it with maxEpisodeSteps, or wrap it in TimeLimit)');
    }
    this.maxTimesteps = limit;
    this.flatten = opts.flatten ?? true;
    this.normalizeTime = opts.normalizeTime ?? false;
    const key = opts.dictTimeKey ?? 'time';
    const time = this.normalizeTime ? new Box(0, 1, [1], 'float32') : new Box<Float64Array>(0, limit, [1], 'float64');
    const space = env.observationSpace as Space<unknown>;
    if (space instanceof Dict) {
      if (space.keys.includes(key)) throw new UserError(`TimeAwareObservation: the key '${key}' is already in the observation space`);
      this.structured = new Dict({ ...space.spaces, [key]: time });
      this.append = (obs, t) => ({ ...(obs as Record<string, unknown>), [key]: t });
    } else if (space instanceof Tuple) {
      this.structured = new Tuple([...space.spaces, time]);
      this.append = (obs, t) => [...(obs as unknown[]), t];
    } else {
      this.structured = new Dict({ obs: space, time });
      this.append = (obs, t) => ({ obs, time: t });
    }
    this.observationSpace = (this.flatten ? flattenSpace(this.structured) : this.structured) as Space<O>;
  }

  private observe(obs: unknown): O {
    const t = this.normalizeTime ? Float32Array.of(this.timesteps / this.maxTimesteps) : Float64Array.of(this.timesteps);
    const v = this.append(obs, t);
    return (this.flatten ? flattenValue(this.structured, v) : v) as O;
  }

  override reset(opts: ResetOptions = {}): [O, Info] {
    this.timesteps = 0;
    const [obs, info] = this.env.reset(opts);
    return [this.observe(obs), info];
  }

  override step(action: A): StepResult<O> {
    this.timesteps++;
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    return [this.observe(obs), reward, terminated, truncated, info];
  }
}
