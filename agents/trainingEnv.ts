// The env an agent trains on, and what carries over from one such env to the
// next (the next learn call's, or a resumed run's): the env's random stream,
// so the next episode is the one an uninterrupted run plays, and its stateful
// wrappers' states (NormalizeObservation's statistics), so it normalises as
// before. Both are saved in checkpoints.
import type { AleaState } from '../src/random/index.js';
import type { Env, WrapperState } from '../envs/index.js';
import { observationStatsOf, restoreWrapperStates, wrapperStatesOf, type ObservationStats } from './normalization.js';

/** What a checkpoint keeps of the training env. */
export interface TrainingEnvState {
  env: AleaState | null;
  wrappers?: WrapperState[];
  observationStats?: ObservationStats | null;
}

export class TrainingEnv {
  /** The env `iterate` plays on (set by learn). */
  current?: Env<any, any>;
  private seeded = new WeakSet<object>();
  private pendingSeed?: number;
  private pending?: TrainingEnvState;

  /**
   * Train on `env` from now on. Each env is set up once, the first time the
   * agent sees it: it continues the stream and wrapper states of the env
   * trained on before (or of the checkpoint); with none, its first reset is
   * seeded with `seed`. Later resets continue the env's own stream.
   */
  start(env: Env<any, any>, seed: number): void {
    this.pendingSeed = undefined;
    if (!this.seeded.has(env)) {
      const before = this.pending ?? (this.current ? this.state() : undefined);
      restoreWrapperStates(env, before?.wrappers ?? []);
      this.seeded.add(env);
      if (before?.env) env.unwrapped.randomState = before.env;
      else this.pendingSeed = seed;
      this.pending = undefined;
    }
    this.current = env;
  }

  /** The seed for the next reset: the first one on a new env, then undefined. */
  takeSeed(): number | undefined {
    const x = this.pendingSeed;
    this.pendingSeed = undefined;
    return x;
  }

  /** NormalizeObservation's statistics of the env trained on, or of the checkpoint. */
  observationStats(): ObservationStats | undefined {
    return this.current ? observationStatsOf(this.current) : (this.pending?.observationStats ?? undefined);
  }

  state(): TrainingEnvState {
    if (!this.current) return { env: this.pending?.env ?? null, wrappers: this.pending?.wrappers ?? [], observationStats: this.pending?.observationStats ?? null };
    return { env: this.current.unwrapped.randomState, wrappers: wrapperStatesOf(this.current), observationStats: observationStatsOf(this.current) ?? null };
  }

  /** A checkpoint's state, given to the next env trained on. */
  restore(state: TrainingEnvState): void {
    this.pending = { env: state.env ?? null, wrappers: state.wrappers ?? [], observationStats: state.observationStats ?? null };
    this.current = undefined;
  }
}
