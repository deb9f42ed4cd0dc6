// A run whose updates go to NaN/Inf stops with one clear error, and nothing
// non-finite is ever saved: the last good checkpoint stays loadable.
import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { make } from '../../envs/index.js';
import { createAgent, loadAgent } from '../../agents/index.js';
import { TrainingDiverged } from '../../agents/learn.js';
import { UserError } from '../../src/errors.js';
import { runCli } from '../cli/spawnCli.js';
import { expectOneLine } from '../cli/oneLine.js';
import { tempDir } from '../helpers.js';

const finite = (xs: ArrayLike<number>) => Array.from(xs).every(Number.isFinite);

describe('divergence', () => {
  it('a NaN gradient norm stops learn() with TrainingDiverged (a UserError); the checkpoint before it is finite and loads', async () => {
    const env = make('CartPole-v1');
    const agent = createAgent('a2c', env, { seed: 1, learningRate: 1e30 });
    const dir = tempDir('relax-pg-nan-');
    const saved: number[] = [];
    const error = await agent
      .learn(env, { episodes: 50 }, { checkpointEvery: 1, onCheckpoint: async (a) => (await a.save(dir), saved.push(a.counters.episodes)) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDiverged);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/^training diverged at episode \d+: gradientSquaredNorm is NaN/);
    expect(agent.counters.episodes).toBeLessThan(50);
    expect(saved.length).toBeGreaterThan(0);
    const back = await loadAgent(dir);
    expect(back.counters.episodes).toBe(saved[saved.length - 1]);
    for (const v of Object.values(back.namedVariables())) expect(finite(v.dataSync())).toBe(true);
    back.dispose();
    agent.dispose();
  });

  it('parameters stepped to ±Infinity by a finite gradient are caught before any save', async () => {
    const env = make('CartPole-v1');
    const agent = createAgent('reinforce', env, { seed: 1, learningRate: 1e39 }); // finite in JS, Infinity in float32
    let saves = 0;
    const error = await agent.learn(env, { episodes: 5 }, { checkpointEvery: 1, onCheckpoint: () => void saves++ }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDiverged);
    expect((error as Error).message).toMatch(/parameter value\(s\) are not finite/);
    expect(saves).toBe(0);
    agent.dispose();
  });

  it('CLI: train --lr 1e30 ends with one line and exit 2, keeping its last good checkpoint', async () => {
    const out = join(tempDir('relax-pg-nan-cli-'), 'run');
    const r = runCli(['train', '--env', 'CartPole-v1', '--agent', 'a2c', '--lr', '1e30', '--episodes', '50', '--checkpoint-every', '1', '--out', out]);
    // The progress lines are the logger's; the refusal is the one relax-pg: line.
    const own = r.stderr.split('\n').filter((l) => l.startsWith('relax-pg: '));
    expectOneLine({ code: r.code, stderr: own.join('\n') }, 2, /training diverged at episode \d+: .* is NaN; stopped without saving it/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, 'agent.json'))).toBe(true);
    const back = await loadAgent(out);
    expect(back.counters.episodes).toBeGreaterThan(0);
    for (const v of Object.values(back.namedVariables())) expect(finite(v.dataSync())).toBe(true);
    back.dispose();
  });
});
