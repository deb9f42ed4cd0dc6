// `relax-pg sweep FILE --out DIR`: the definition's trials, checked before
// anything runs, written to DIR/sweep.json; those that have not ended go to
// an engine (the local pool, or the BullMQ queue with --queue), and the call
// returns when every one has ended. Finished trials are skipped; unfinished
// ones resume from their checkpoints; failed ones run again.
import { resolve } from 'node:path';
import { createAgent, scheduleOf, compileSchedule } from '../../agents/index.js';
import { versions, writeRunInfo, type Logger } from '../../src/report/index.js';
import { makeEnv } from '../cli/agentOptions.js';
import type { SweepDefinition } from './definition.js';
import { expandTrials, type Trial } from './expand.js';
import { readResult, isFinal, writeSweep, type TrialSummary } from './store.js';
import { trialExperiment, type TrialJob } from './trial.js';
import { runLocal } from './local.js';
import { better } from './metric.js';

export interface SweepOptions {
  logger: Logger;
  queue?: string;
  workers: number;
}

export const relaxPgVersion = () => versions().relaxPg ?? '0.0.0';

/** Every distinct agent of the sweep can be made for its env, and its schedules compile: else one line now. */
async function checkTrials(trials: Trial[]): Promise<void> {
  const seen = new Set<string>();
  for (const t of trials) {
    if (seen.has(t.group)) continue;
    seen.add(t.group);
    const def = trialExperiment(t.config);
    for (const [option, value] of [['lr', t.config.params.lr], ['entropy', t.config.params.entropy]] as const) {
      if (typeof value === 'string' && typeof scheduleOf(value) === 'string') await compileSchedule(option, value);
    }
    const env = await makeEnv(def.env, def.envOptions ?? {});
    try {
      createAgent(def.agents[0].kind, env, def.agents[0].options).dispose();
    } finally {
      env.close();
    }
  }
}

export function trialJobs(def: SweepDefinition, dir: string, trials: Trial[]): TrialJob[] {
  const checkpointEvery = def.checkpointEvery ?? Math.max(1, Math.floor((def.episodes ?? 100) / 10));
  return trials.map((trial) => ({
    sweepDir: resolve(dir),
    trial,
    metric: def.metric,
    mode: def.mode,
    checkpointEvery,
    asha: def.asha ? { rungs: def.asha.rungs, eta: def.asha.eta ?? 2, minTrials: def.asha.minTrials ?? 1 } : undefined,
    version: relaxPgVersion(),
  }));
}

export async function runSweep(def: SweepDefinition, dir: string, o: SweepOptions): Promise<TrialSummary[]> {
  const { logger } = o;
  const trials = expandTrials(def);
  await checkTrials(trials);
  if (o.queue) (await (await import('./queue.js')).connectRedis(o.queue)).disconnect(); // unreachable: one line, before anything is written
  writeSweep(dir, { format: 'relax-pg-sweep', version: relaxPgVersion(), definition: def, trials });
  writeRunInfo(dir, def, { trials: trials.length, engine: o.queue ? 'queue' : 'local' });
  const jobs = trialJobs(def, dir, trials).filter((j) => !isFinal(readResult(dir, j.trial.id)));
  const ended = trials.length - jobs.length;
  if (jobs.length === 0) {
    logger.info(`nothing to do: all ${trials.length} trials of ${dir} have ended`);
  } else {
    logger.info(`${trials.length} trials: ${ended} already ended, ${jobs.length} to run${o.queue ? ` on ${o.queue}` : ` on ${o.workers} worker(s)`}`);
    const onDone = (job: TrialJob, s: TrialSummary) =>
      logger.info(`trial ${s.id} ${s.status}`, { seed: job.trial.config.seed, ...job.trial.config.params, [def.metric]: s.metric, ...(s.error ? { error: s.error } : {}) });
    if (o.queue) {
      const { runOnQueue } = await import('./redisEngine.js'); // bullmq only when asked for
      await runOnQueue(o.queue, jobs, relaxPgVersion(), onDone, (line) => logger.info(line));
    } else {
      await runLocal(jobs, o.workers, onDone);
    }
  }
  const results = trials.map((t) => readResult(dir, t.id)!);
  const failed = results.filter((r) => r?.status === 'failed').length;
  const best = results.filter((r) => r && r.metric !== null && r.status !== 'failed').reduce<TrialSummary | undefined>((b, r) => (b === undefined || better(def.mode, r.metric!, b.metric!) ? r : b), undefined);
  if (best) logger.info(`best trial ${best.id}: ${def.metric} ${best.metric}`, trials.find((t) => t.id === best.id)!.config.params);
  if (failed) logger.warn(`${failed} trial(s) failed (see \`relax-pg sweep status ${dir}\`); re-run the sweep to retry them`);
  return results;
}
