// Mistakes a user review found, each refused with one line, exit 2, and
// nothing started or written: agents that cannot run on the env, a saved
// agent on another env's spaces, commander's own errors, absurd sizes.
import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runCliAsync } from './spawnCli.js';
import { expectOneLine } from './oneLine.js';
import { tempDir } from '../helpers.js';

const tmp = () => tempDir('relax-pg-usererr-');

describe('user mistakes: one line, exit 2', () => {
  it('compare refuses an agent the env cannot serve before any worker starts or anything is written', () => {
    const out = join(tmp(), 'D');
    const r = runCli(['compare', '--env', 'Pendulum-v1', '--agents', 'relax,lax', '--threshold', '-200', '--workers', '2', '--out', out]);
    expectOneLine(r, 2, /'relax' needs a discrete .*Pendulum-v1/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(existsSync(out)).toBe(false);
  });

  it("evaluate and render refuse an env whose spaces are not the saved agent's; the same spaces are fine", async () => {
    const dir = join(tmp(), 'agent');
    const trained = runCli(['train', '--env', 'CartPole-v1', '--agent', 'a2c', '--episodes', '2', '--out', dir]);
    expect(trained.code, trained.stderr).toBe(0);
    const gif = join(tmp(), 'x.gif');
    const [evaluate, render, same] = await Promise.all([
      runCliAsync(['evaluate', dir, '--env', 'Acrobot-v1', '--episodes', '1']),
      runCliAsync(['render', '--env', 'Acrobot-v1', '--policy', dir, '--out', gif, '--max-steps', '5']),
      runCliAsync(['evaluate', dir, '--env', 'CartPole-v0', '--episodes', '1']),
    ]);
    expectOneLine(evaluate, 2, /trained on CartPole-v1\) takes observations Box of shape \[4\], but Acrobot-v1 has Box of shape \[6\]/);
    expect(evaluate.stdout).toBe('');
    expectOneLine(render, 2, /Acrobot-v1 has Box of shape \[6\]/);
    expect(existsSync(gif)).toBe(false);
    expect(same.code, same.stderr).toBe(0);
  });

  it("commander's own errors exit 2 like ours; help and version exit 0", async () => {
    const [unknownOption, missing, unknownCommand, help, version] = await Promise.all([
      runCliAsync(['list', '--bogus']),
      runCliAsync(['train', '--env', 'CartPole-v1']),
      runCliAsync(['nosuch']),
      runCliAsync(['train', '--help']),
      runCliAsync(['--version']),
    ]);
    expectOneLine(unknownOption, 2, /unknown option '--bogus'/);
    expectOneLine(missing, 2, /required option '--agent <kind>' not specified/);
    expectOneLine(unknownCommand, 2, /unknown command 'nosuch'/);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--hidden/);
    expect(version.code).toBe(0);
  });

  it('absurd sizes are refused with the limit instead of allocating (or hanging)', async () => {
    const [hidden, batch] = await Promise.all([
      runCliAsync(['train', '--env', 'CartPole-v1', '--agent', 'a2c', '--hidden', '100000,100000', '--out', join(tmp(), 'h')]),
      runCliAsync(['experiment', 'vae', '--batch', '1000000', '--steps', '1', '--seeds', '1', '--estimators', 'nvil', '--out', join(tmp(), 'v')]),
    ]);
    expectOneLine(hidden, 2, /--hidden must be in \[1, 4096\], got 100000/);
    expectOneLine(batch, 2, /--batch 1000000 is larger than the training set \(\d+ images\)/);
  });
});
