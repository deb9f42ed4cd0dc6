// Saving, loading, resuming and bad input for agents, from code and from the CLI.
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/tf/index.js';
import { UserError } from '../../src/errors.js';
import { make } from '../../envs/index.js';
import { RelaxAgent, A2CAgent, createAgent, loadAgent } from '../../agents/index.js';
import { tempDir } from '../helpers.js';

const tmp = () => tempDir('relax-pg-agent-');
const cli = join(import.meta.dirname, '../../dist/experiments/cli.js');

describe('save and load', () => {
  it('save → load → evaluate gives the same returns with the same seed; optimiser state survives', async () => {
    const env = make('CartPole-v0');
    const agent = new RelaxAgent(env.observationSpace, env.actionSpace, { seed: 8 });
    await agent.learn(env, { episodes: 30 });
    const dir = tmp();
    await agent.save(dir);
    const loaded = await loadAgent(dir);
    expect(loaded.config).toEqual(agent.config);
    expect(loaded.counters).toEqual(agent.counters);
    expect(loaded.envId).toBe('CartPole-v0');
    const a = agent.evaluate(make('CartPole-v0'), 5, { seed: 3 });
    const b = loaded.evaluate(make('CartPole-v0'), 5, { seed: 3 });
    expect(b).toEqual(a);
    // Continuing both from here gives the same next update (same weights, optimiser moments, random streams).
    const envA = make('CartPole-v0');
    const envB = make('CartPole-v0');
    envA.reset({ seed: 42 });
    envB.reset({ seed: 42 });
    await agent.learn(envA, { episodes: 3 });
    await loaded.learn(envB, { episodes: 3 });
    const wa = Array.from(agent.policy.net.weights[0].dataSync());
    const wb = Array.from(loaded.policy.net.weights[0].dataSync());
    // Weights, Adam's moments and β-powers, the random streams and the env's
    // stream all survive, so the continued runs are the same run.
    expect(wb).toEqual(wa);
    agent.dispose();
    loaded.dispose();
  });

  it('exports the policy as a tfjs LayersModel that tf.loadLayersModel reads', async () => {
    const env = make('CartPole-v1');
    const agent = new A2CAgent(env.observationSpace, env.actionSpace, { seed: 2 });
    for (const v of agent.policy.variables) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 1));
    const dir = tmp();
    await agent.save(dir);
    const modelJson = JSON.parse(readFileSync(join(dir, 'model', 'model.json'), 'utf8'));
    const bin = readFileSync(join(dir, 'model', 'weights.bin'));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0].weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    const x = tf.tensor2d([[0.1, 0.2, -0.3, 0.4]]);
    const viaModel = Array.from((model.predict(x) as tf.Tensor).dataSync());
    const viaAgent = Array.from(agent.policy.theta(x).dataSync());
    viaModel.forEach((v, i) => expect(v).toBeCloseTo(viaAgent[i], 5));
    agent.dispose();
  });
});

describe('bad input', () => {
  it('unknown agent, incompatible action space, missing and corrupt checkpoints are one-line user errors', async () => {
    const cartpole = make('CartPole-v0');
    expect(() => createAgent('ppo', cartpole)).toThrow(/unknown agent 'ppo'/);
    expect(() => createAgent('disarm', cartpole)).toThrow(/^'disarm' needs Bernoulli b and f at a second sample of b, which CartPole-v0 does not have/);
    expect(() => createAgent('rebar', cartpole)).toThrow(UserError);
    expect(() => createAgent('relax', make('Pendulum-v1'))).toThrow(/^'relax' needs a discrete b with a relaxation/);
    await expect(loadAgent(tmp())).rejects.toThrow(/agent.json is missing/);
    const dir = tmp();
    const agent = createAgent('a2c', cartpole);
    await agent.save(dir);
    const weights = readdirSync(dir).find((f) => f.startsWith('agent-') && f.endsWith('.bin'))!;
    writeFileSync(join(dir, weights), Buffer.from([1, 2, 3]));
    await expect(loadAgent(dir)).rejects.toThrow(/corrupt weights/);
    writeFileSync(join(dir, 'agent.json'), '{"format": "relax-pg-agent", "formatVersion": 1, "kind": "a2c"');
    await expect(loadAgent(dir)).rejects.toThrow(/not valid JSON/);
    writeFileSync(join(dir, 'agent.json'), '{"hello": 1}');
    await expect(loadAgent(dir)).rejects.toThrow(/not a relax-pg agent/);
    agent.dispose();
  });
});

describe('a killed training resumes from its last checkpoint', () => {
  it('a RELAX run killed (SIGKILL) after a checkpoint and resumed writes the metrics of the uninterrupted run, row for row', async () => {
    if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    const env = { ...process.env, RELAX_PG_BACKEND: 'wasm' };
    const common = ['train', '--env', 'CartPole-v1', '--agent', 'relax', '--checkpoint-every', '20', '--variance-every', '10', '--seed', '3'];
    const whole = join(tmp(), 'whole');
    const straight = spawnSync(process.execPath, [cli, ...common, '--episodes', '70', '--out', whole], { encoding: 'utf8', env });
    expect(straight.status, straight.stderr).toBe(0);
    const out = join(tmp(), 'killed');
    const child = spawn(process.execPath, [cli, ...common, '--episodes', '100000', '--out', out], { stdio: 'ignore', env });
    const agentFile = join(out, 'agent.json');
    const t0 = Date.now();
    while (!existsSync(agentFile) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    // Let it run past the checkpoint, so rows after it are in the file when it dies.
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const resumed = spawnSync(process.execPath, [cli, ...common, '--episodes', '70', '--out', out, '--resume'], { encoding: 'utf8', env });
    expect(resumed.status, resumed.stderr).toBe(0);
    const a = readFileSync(join(whole, 'metrics.jsonl'), 'utf8');
    const b = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
    expect(a.split('\n').filter((l) => l.includes('logVariance')).length).toBeGreaterThan(3);
    expect(b).toBe(a);
  });

  it('relax-pg train, killed after a checkpoint, continues with --resume', async () => {
    if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    const out = join(tmp(), 'run');
    const args = [cli, 'train', '--env', 'CartPole-v0', '--agent', 'a2c', '--episodes', '100000', '--checkpoint-every', '20', '--seed', '4', '--out', out];
    const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, RELAX_PG_BACKEND: 'wasm' } });
    // Wait for the first checkpoint, then kill the process hard.
    const agentFile = join(out, 'agent.json');
    const t0 = Date.now();
    while (!existsSync(agentFile) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const saved = JSON.parse(readFileSync(agentFile, 'utf8')).state.training;
    expect(saved.counters.episodes).toBeGreaterThanOrEqual(20);
    const target = saved.counters.episodes + 25;
    const resumed = spawnSync(process.execPath, [cli, 'train', '--env', 'CartPole-v0', '--agent', 'a2c', '--episodes', String(target), '--out', out, '--resume'], {
      encoding: 'utf8',
      env: { ...process.env, RELAX_PG_BACKEND: 'wasm' },
    });
    expect(resumed.status, resumed.stderr).toBe(0);
    const after = JSON.parse(readFileSync(agentFile, 'utf8')).state.training;
    expect(after.counters.episodes).toBe(target);
    // The episode log continues where the checkpoint left off.
    const episodes = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => r.episode !== undefined && r.return !== undefined)
      .map((r) => r.episode);
    expect(episodes[episodes.length - 1]).toBe(target);
  });
});
