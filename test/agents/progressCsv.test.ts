// progress.csv: SB3's column names, a fixed header, one row per update
// written as the run goes, empty cells for what a row lacks, and on resume
// the rows after the checkpoint dropped (a cut last line too).
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { make } from '../../envs/index.js';
import { EvalCallback, PROGRESS_COLUMNS, ProgressCsv, ReinforceAgent, A2CAgent } from '../../agents/index.js';
import { keepProgressRows } from '../../agents/progressCsv.js';
import { tempDir } from '../helpers.js';

const read = (path: string) => {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = header.split(',');
  return { cols, rows: lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v]))) };
};

describe('progress.csv', () => {
  it("has SB3's columns, a row per update written as it goes, and the last-100 rollout means", async () => {
    const path = join(tempDir('relax-pg-csv-'), 'progress.csv');
    const env = make('CartPole-v0');
    const agent = new A2CAgent(env.observationSpace, env.actionSpace, { seed: 2, episodesPerUpdate: 2, varianceEvery: 3, varianceEpisodes: 3 });
    const csv = new ProgressCsv(path);
    const linesSeen: number[] = [];
    await agent.learn(env, { episodes: 120 }, {
      onUpdate: () => linesSeen.push(readFileSync(path, 'utf8').split('\n').length - 1),
      callbacks: [csv, new EvalCallback(make('CartPole-v0'), { every: 40, episodes: 2 })],
    });
    const { cols, rows } = read(path);
    expect(cols).toEqual([...PROGRESS_COLUMNS]);
    for (const c of ['time/episodes', 'time/total_timesteps', 'rollout/ep_rew_mean', 'rollout/ep_len_mean', 'train/learning_rate', 'train/policy_gradient_loss', 'train/value_loss', 'train/entropy_loss', 'eval/mean_reward', 'eval/mean_ep_length']) {
      expect(cols).toContain(c);
    }
    // Row 0: the variance measured before training; then one per update (60 of them).
    expect(rows).toHaveLength(61);
    expect(rows[0]['time/iterations']).toBe('0');
    expect(rows[0]['train/log_variance']).not.toBe('');
    // Written as the run goes: before each update's callbacks, the rows of the updates before it.
    expect(linesSeen).toEqual(Array.from({ length: 60 }, (_, i) => i + 2));
    const last = rows[60];
    expect(Number(last['time/episodes'])).toBe(120);
    expect(Number(last['time/total_timesteps'])).toBe(agent.counters.steps);
    const recent = agent.history.slice(-100);
    expect(Number(last['rollout/ep_rew_mean'])).toBe(recent.reduce((s, e) => s + e.return, 0) / 100);
    expect(last['train/value_loss']).not.toBe('');
    expect(last['train/approx_kl']).toBe(''); // no KL adaptation
    const evals = rows.filter((r) => r['eval/mean_reward'] !== '').map((r) => r['time/episodes']);
    expect(evals).toEqual(['40', '80', '120']);
    expect(rows.filter((r) => r['train/log_variance'] !== '').map((r) => r['time/iterations'])).toEqual(['0', ...Array.from({ length: 20 }, (_, i) => String(3 * (i + 1)))]);
    agent.dispose();
  });

  it('REINFORCE rows leave value_loss empty', async () => {
    const path = join(tempDir('relax-pg-csv-'), 'progress.csv');
    const env = make('CartPole-v0');
    const agent = new ReinforceAgent(env.observationSpace, env.actionSpace, { seed: 2 });
    await agent.learn(env, { episodes: 3 }, [new ProgressCsv(path)]);
    const { rows } = read(path);
    expect(rows.map((r) => r['train/value_loss'])).toEqual(['', '', '']);
    expect(rows.map((r) => r['train/learning_rate'])).toEqual(['0.01', '0.01', '0.01']);
    agent.dispose();
  });

  it('resuming keeps the rows up to the checkpoint, drops a cut last line, and a fresh run starts afresh', () => {
    const path = join(tempDir('relax-pg-csv-'), 'progress.csv');
    const header = PROGRESS_COLUMNS.join(',');
    const row = (it: number, ep: number) => [it, ep, ...new Array(PROGRESS_COLUMNS.length - 2).fill('')].join(',');
    writeFileSync(path, [header, row(1, 2), row(2, 4), row(3, 6)].join('\n') + '\n' + row(4, 8).slice(0, 5));
    keepProgressRows(path, 4);
    expect(readFileSync(path, 'utf8')).toBe([header, row(1, 2), row(2, 4)].join('\n') + '\n');
    keepProgressRows(path, null);
    expect(readFileSync(path, 'utf8')).toBe(header + '\n');
    writeFileSync(path, ['a,b', '1,2'].join('\n') + '\n');
    expect(() => keepProgressRows(path, 4)).toThrow(/has other columns than this relax-pg writes/);
  });
});
