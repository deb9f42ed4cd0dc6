// An agent's schedules in use: where the current learn call ends, the
// progress 0 → 1 towards it (SB3's 1 − progress_remaining: counted from the
// agent's first episode, so a resumed run that ends at the same total sees the
// same progress), and the learning rate and entropy coefficient set from it
// once per update.
import type { tf } from '../src/tf/index.js';
import { setLearningRate } from '../src/nn/index.js';
import { compileSchedule, isExpression, type ScheduleFn } from './schedule.js';
import type { AgentConfig } from './config.js';
import type { Counters } from './learn.js';

export interface Scheduled {
  readonly config: AgentConfig;
  readonly counters: Counters;
  readonly policyOpt: tf.Optimizer;
  readonly valueOpt?: tf.Optimizer;
  readonly cvOpt?: tf.Optimizer;
  entropyCoef: number;
}

export class Schedules {
  /** Where the current learn call ends (absolute counters). */
  until?: { episodes?: number; steps?: number };
  private fns?: { learningRate?: ScheduleFn; entropyCoef?: ScheduleFn };

  /** Compile the config's expressions (once; mathjs loads only if there is one). */
  async compile(config: AgentConfig): Promise<void> {
    const fn = (name: string, s: AgentConfig['learningRate']) => (isExpression(s) ? compileSchedule(name, s) : undefined);
    this.fns ??= { learningRate: await fn('learningRate', config.learningRate), entropyCoef: await fn('entropyCoef', config.entropyCoef) };
  }

  /** Progress through the learn budget, 0 → 1 (by episodes or steps, whichever ends first); 0 outside learn. */
  progress(c: Counters): number {
    const u = this.until;
    if (!u) return 0;
    const parts: number[] = [];
    if (u.episodes !== undefined) parts.push(u.episodes > 0 ? c.episodes / u.episodes : 1);
    if (u.steps !== undefined) parts.push(u.steps > 0 ? c.steps / u.steps : 1);
    return Math.min(1, Math.max(0, ...parts));
  }

  /** Set the scheduled values at the current progress (after an update's batch is collected, as SB3). */
  apply(a: Scheduled): void {
    const f = this.fns;
    if (f?.learningRate) {
      const lr = f.learningRate(this.progress(a.counters));
      setLearningRate(a.policyOpt, lr);
      if (a.valueOpt) setLearningRate(a.valueOpt, lr * a.config.cvLrScale);
      if (a.cvOpt) setLearningRate(a.cvOpt, lr * a.config.cvLrScale);
    }
    if (f?.entropyCoef) a.entropyCoef = f.entropyCoef(this.progress(a.counters));
  }
}
