// Schedules of training progress: expressions compiled once by mathjs,
// evaluated once per update at progress = episodes / the budget's end,
// checked (one-line errors), refused beside a KL-adapted rate, and never
// loading mathjs for a program that only imports relax-pg/agents.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { make } from '../../envs/index.js';
import { A2CAgent, compileSchedule, scheduleOf } from '../../agents/index.js';
import { getLearningRate } from '../../src/nn/index.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

describe('compileSchedule', () => {
  it('a number is constant; an expression is a function of progress', async () => {
    expect((await compileSchedule('--lr', 0.3))(0.7)).toBe(0.3);
    const f = await compileSchedule('--lr', '0.01 * (1 - progress) + 1e-4 * exp(-progress)');
    for (const p of [0, 0.25, 1]) expect(f(p)).toBe(0.01 * (1 - p) + 1e-4 * Math.exp(-p));
    expect(scheduleOf('0.01')).toBe(0.01);
    expect(scheduleOf('1e-3')).toBe(0.001);
    expect(scheduleOf('0.01 * progress')).toBe('0.01 * progress');
  });

  it('refuses a bad expression with one line naming the option', async () => {
    const bad: [string, RegExp][] = [
      ['0.01 * (1 -', /^--lr '0\.01 \* \(1 -' does not parse: /],
      ['0.01 * step', /^--lr '0\.01 \* step': unknown variable 'step' \(the only variable is progress\)$/],
      ['0.01 * (1 - 2 * progress)', /is -0\.01 at progress 1 \(it must be a finite number ≥ 0\)$/],
      ['1 / progress', /is Infinity at progress 0/],
      ['nope(progress)', /fails at progress 0: Undefined function nope/],
      ['progress = 1', /one expression of progress/],
      ['[1, 2]', /is a DenseMatrix at progress 0/],
    ];
    for (const [source, message] of bad) {
      const e = await compileSchedule('--lr', source).catch((x: unknown) => x);
      expect(e, source).toBeInstanceOf(UserError);
      expect((e as Error).message, source).toMatch(message);
      expect((e as Error).message).not.toMatch(/\n/);
    }
    // A value only checked later: still one line, at the update that reaches it.
    const late = await compileSchedule('--lr', '1 / (progress - 0.5)^2');
    expect(() => late(0.5)).toThrow(/is Infinity at progress 0.5/);
  });
});

describe('scheduled agents', () => {
  it('set the learning rate (value × cvLrScale) and entropy coefficient once per update from episodes / budget', async () => {
    const env = make('CartPole-v0');
    const agent = new A2CAgent(env.observationSpace, env.actionSpace, { seed: 5, learningRate: '0.02 * (1 - progress)', entropyCoef: '0.01 * progress', cvLrScale: 0.5 });
    const seen: { episodes: number; lr: number; ent: number; value: number }[] = [];
    await agent.learn(env, { episodes: 8 }, {
      onUpdate: (u) => seen.push({ episodes: agent.counters.episodes, lr: u.learningRate, ent: (u as any).entropyCoef, value: getLearningRate(agent.valueOpt!) }),
    });
    expect(seen.map((s) => s.episodes)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const s of seen) {
      const p = s.episodes / 8;
      expect(s.lr).toBe(0.02 * (1 - p));
      expect(s.value).toBe(0.02 * (1 - p) * 0.5);
      expect(s.ent).toBe(0.01 * p);
    }
    expect(agent.config.learningRate).toBe('0.02 * (1 - progress)');
    // A second learn call continues to its own end: progress = episodes / (8 + 4), as SB3 without reset_num_timesteps.
    const more: number[] = [];
    await agent.learn(env, { episodes: 4 }, { onUpdate: (u) => more.push(u.learningRate) });
    expect(more).toEqual([9, 10, 11, 12].map((e) => 0.02 * (1 - e / 12)));
    agent.dispose();
  });

  it('plain numbers stay plain (the optimiser keeps its rate); a schedule beside a KL-adapted rate is refused', () => {
    const env = make('CartPole-v0');
    const plain = new A2CAgent(env.observationSpace, env.actionSpace, { learningRate: 0.003 });
    expect(plain.config.learningRate).toBe(0.003);
    expect(getLearningRate(plain.policyOpt)).toBe(0.003);
    plain.dispose();
    expect(() => new A2CAgent(env.observationSpace, env.actionSpace, { learningRate: '0.01 * (1 - progress)', targetKl: 0.01 })).toThrow(
      /learning-rate schedule and a KL-adapted rate \(targetKl 0.01\).*--target-kl 0/,
    );
  });

  it('a bad expression in code is a UserError when learning starts', async () => {
    const env = make('CartPole-v0');
    const agent = new A2CAgent(env.observationSpace, env.actionSpace, { entropyCoef: '0.01 * epoch' });
    await expect(agent.learn(env, { episodes: 1 })).rejects.toThrow(/^entropyCoef '0.01 \* epoch': unknown variable 'epoch'/);
    agent.dispose();
  });
});

describe('mathjs loads lazily', () => {
  // A resolve hook that refuses mathjs: importing agents must still work (no
  // static import anywhere in its graph), and only compiling an expression fails.
  it('importing relax-pg/agents does not load mathjs; the first expression does', () => {
    const dir = tempDir('relax-pg-lazy-');
    writeFileSync(join(dir, 'hook.mjs'), "export async function resolve(s, c, next) { if (s === 'mathjs' || s.startsWith('mathjs/')) throw new Error('mathjs was loaded'); return next(s, c); }\n");
    writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module'; register('./hook.mjs', import.meta.url);\n");
    const agents = pathToFileURL(join(import.meta.dirname, '../../dist/agents/index.js')).href;
    const script = (body: string) => `const a = await import(${JSON.stringify(agents)}); ${body}`;
    const run = (body: string) =>
      spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, '--input-type=module', '-e', script(body)], { encoding: 'utf8' });
    const imported = run("console.log(typeof a.A2CAgent, (await a.compileSchedule('--lr', 0.1))(1));");
    expect(imported.stderr).toBe('');
    expect(imported.stdout.trim()).toBe('function 0.1');
    const compiled = run("await a.compileSchedule('--lr', '0.1 * progress');");
    expect(compiled.status).not.toBe(0);
    expect(compiled.stderr).toMatch(/mathjs was loaded/);
  });
});
