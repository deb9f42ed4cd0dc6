// Training callbacks from code: evaluation on a separate env keeps the best
// agent (which reproduces its evaluation), stops on a reward threshold or on
// no improvement, and a crashed run resumed from its checkpoint makes the same
// evaluations, best agent and progress.csv as one that was not interrupted.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { make } from '../../envs/index.js';
import {
  A2CAgent,
  CheckpointCallback,
  EvalCallback,
  ProgressCsv,
  StopOnNoImprovement,
  StopOnRewardThreshold,
  loadAgent,
  type MetricRow,
  type PolicyGradientAgent,
  type TrainingCallback,
} from '../../agents/index.js';
import { mean } from '../../src/report/index.js';
import { tempDir } from '../helpers.js';

const tmp = () => tempDir('relax-pg-callbacks-');
const newAgent = (options = {}) => {
  const env = make('CartPole-v0');
  return { env, agent: new A2CAgent(env.observationSpace, env.actionSpace, { seed: 4, learningRate: 0.02, ...options }) };
};
const evalRows = (rows: MetricRow[]) => rows.filter((r) => r.evalMean !== undefined);

/** 60 episodes, an evaluation (3 episodes, seed 7) every 10: the rows it emits and the agent. */
async function evaluated(extra: Partial<ConstructorParameters<typeof EvalCallback>[1]> = {}, bestDir?: string) {
  const { env, agent } = newAgent();
  const rows: MetricRow[] = [];
  const cb = new EvalCallback(make('CartPole-v0'), { every: 10, episodes: 3, seed: 7, bestDir, ...extra });
  await agent.learn(env, { episodes: 60 }, { onRow: (r) => rows.push(r), callbacks: [cb] });
  return { agent, rows: evalRows(rows), cb };
}

describe('EvalCallback', () => {
  it('evaluates every N episodes, deterministically, and best/ reproduces the best mean', async () => {
    const dir = join(tmp(), 'best');
    const { agent, rows, cb } = await evaluated({}, dir);
    expect(rows.map((r) => r.episode)).toEqual([10, 20, 30, 40, 50, 60]);
    const means = rows.map((r) => r.evalMean as number);
    const best = Math.max(...means);
    const at = rows[means.indexOf(best)].episode;
    expect(new Set(means).size).toBeGreaterThan(1); // the policy changed between evaluations
    expect(cb.record).toMatchObject({ evaluations: 6, bestMean: best, bestEpisode: at });
    expect(rows.map((r) => r.evalBestMean)).toEqual(means.map((_, i) => Math.max(...means.slice(0, i + 1))));
    const loaded = await loadAgent(dir);
    expect(loaded.counters.episodes).toBe(at);
    expect(loaded.evaluation).toEqual({ episodes: 3, seed: 7, deterministic: true, mean: best, episode: at });
    expect(mean(loaded.evaluate(make('CartPole-v0'), 3, { seed: 7 }))).toBe(best);
    // The final agent evaluates as its last row said.
    expect(mean(agent.evaluate(make('CartPole-v0'), 3, { seed: 7 }))).toBe(means[5]);
    agent.dispose();
    loaded.dispose();
  });

  it('stops on a reward threshold at the first evaluation reaching it', async () => {
    const { rows: all, agent: a } = await evaluated();
    a.dispose();
    const means = all.map((r) => r.evalMean as number);
    const threshold = Math.max(...means);
    const first = all[means.indexOf(threshold)].episode as number;
    const stop = new StopOnRewardThreshold(threshold);
    const { agent, cb } = await evaluated({ onNewBest: stop });
    expect(agent.counters.episodes).toBe(first);
    expect(cb.record.stopped).toBe(`mean evaluation return ${threshold} ≥ ${threshold} at episode ${first}`);
    agent.dispose();
  });

  it('stops after K evaluations in a row without a new best', async () => {
    const { rows: all, agent: a } = await evaluated();
    a.dispose();
    const means = all.map((r) => r.evalMean as number);
    // Where patience 1 stops: the first evaluation not above every earlier one.
    const k = means.findIndex((m, i) => i > 0 && m <= Math.max(...means.slice(0, i)));
    expect(k).toBeGreaterThan(0);
    const { agent, cb } = await evaluated({ afterEval: new StopOnNoImprovement(1) });
    expect(agent.counters.episodes).toBe(all[k].episode);
    expect(cb.record.sinceBest).toBe(1);
    expect(cb.record.stopped).toMatch(/^no new best in 1 evaluations/);
    agent.dispose();
  });

  it('two checkpoint cadences are refused', async () => {
    const { env, agent } = newAgent();
    const d = tmp();
    await expect(agent.learn(env, { episodes: 2 }, [new CheckpointCallback(d, 5), new CheckpointCallback(d, 7)])).rejects.toThrow(/checkpoints every 5 and 7 episodes/);
    agent.dispose();
  });
});

class Crash implements TrainingCallback {
  constructor(readonly at: number) {}
  onEpisode(e: { episode: number }): void {
    if (e.episode === this.at) throw new Error('crash');
  }
}

describe('resume with callbacks', () => {
  it('a run crashed after a checkpoint and resumed equals the uninterrupted run', async () => {
    const run = async (dir: string, agent: PolicyGradientAgent, episodes: number, crashAt?: number) => {
      const rows: MetricRow[] = [];
      const callbacks: TrainingCallback[] = [
        new CheckpointCallback(dir, 10),
        new ProgressCsv(join(dir, 'progress.csv')),
        new EvalCallback(make('CartPole-v0'), { every: 8, episodes: 2, seed: 3, bestDir: join(dir, 'best'), afterEval: new StopOnNoImprovement(50) }),
      ];
      if (crashAt) callbacks.push(new Crash(crashAt));
      await agent.learn(make('CartPole-v0'), { episodes }, { onRow: (r) => rows.push(r), callbacks });
      await agent.save(dir);
      return rows;
    };
    const schedule = { learningRate: '0.03 * (1 - progress) + 0.001', entropyCoef: '0.02 * (1 - progress)' };
    const whole = tmp();
    const a = newAgent(schedule).agent;
    const wholeRows = await run(whole, a, 50);
    const cut = tmp();
    const b = newAgent(schedule).agent;
    await expect(run(cut, b, 50, 37)).rejects.toThrow('crash');
    b.dispose();
    const lines = (d: string) => readFileSync(join(d, 'progress.csv'), 'utf8').trim().split('\n');
    expect(lines(cut).length).toBeGreaterThan(31); // rows past the checkpoint at 30 were written before the crash
    const resumed = await loadAgent(cut);
    expect(resumed.counters.episodes).toBe(30);
    expect((resumed.callbackStates.eval as { evaluations: number }).evaluations).toBe(3);
    const resumedRows = await run(cut, resumed, 20);
    expect(readFileSync(join(cut, 'progress.csv'), 'utf8')).toBe(readFileSync(join(whole, 'progress.csv'), 'utf8'));
    expect(evalRows(resumedRows)).toEqual(evalRows(wholeRows).filter((r) => (r.episode as number) > 30));
    expect(resumed.callbackStates).toEqual(a.callbackStates);
    const [bestA, bestB] = [await loadAgent(join(whole, 'best')), await loadAgent(join(cut, 'best'))];
    expect(bestB.evaluation).toEqual(bestA.evaluation);
    expect(Array.from(resumed.policy.net.weights[0].dataSync())).toEqual(Array.from(a.policy.net.weights[0].dataSync()));
    for (const x of [a, resumed, bestA, bestB]) x.dispose();
  });
});
