// A bad --out (an existing file, a path under a file, a folder that cannot be
// made) is one clear line and exit code 2 for every command that writes a
// folder, at once: no stack trace, no hang (mkdir under /proc loops forever).
import { describe, it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { runCliAsync } from './spawnCli.js';

const file = join(tempDir('relax-pg-out-'), 'a-file');
writeFileSync(file, 'not a folder');
const bad = { file, under: join(file, 'sub'), proc: '/proc/relaxpg' };

const commands: [string, string[], string][] = [
  ['experiment toy', ['experiment', 'toy', '--steps', '10', '--seeds', '1', '--estimators', 'reinforce'], 'file'],
  ['experiment toy', ['experiment', 'toy', '--steps', '10', '--seeds', '1', '--estimators', 'reinforce'], 'under'],
  ['experiment toy', ['experiment', 'toy', '--steps', '10', '--seeds', '1', '--estimators', 'reinforce'], 'proc'],
  ['experiment vae', ['experiment', 'vae', '--steps', '1', '--seeds', '1', '--estimators', 'rebar'], 'proc'],
  ['experiment cartpole', ['experiment', 'cartpole', '--only', 'a2c', '--seeds', '1', '--episodes', '1'], 'under'],
  ['compare', ['compare', '--env', 'CartPole-v0', '--agents', 'a2c', '--seeds', '1', '--episodes', '1'], 'file'],
  ['train', ['train', '--env', 'CartPole-v0', '--agent', 'a2c', '--episodes', '1'], 'proc'],
  ['render', ['render', '--env', 'CartPole-v0', '--max-steps', '2'], 'under'],
];

describe('a bad output folder is one clear line', () => {
  it('for every command and kind of bad path', async () => {
    const runs = await Promise.all(
      commands.map(([, args, kind]) => {
        const out = kind === 'under' && args[0] === 'render' ? join(bad.under, 'x.gif') : bad[kind as keyof typeof bad];
        return runCliAsync([...args, '--out', out], 30_000);
      }),
    );
    runs.forEach((r, i) => {
      const [what, , kind] = commands[i];
      const label = `${what} --out ${kind}: ${r.stderr}`;
      expect(r.code, label).toBe(2);
      expect(r.stderr.trim().split('\n'), label).toHaveLength(1);
      expect(r.stderr, label).toMatch(kind === 'proc' ? /cannot write a folder there/ : /is a file, not a folder/);
      expect(r.stderr, label).not.toMatch(/\n\s+at /);
      // Start-up (tfjs, wasm) takes about a second; a hang would take the 30 s timeout.
      expect(r.ms, label).toBeLessThan(20_000);
    });
  });
});
