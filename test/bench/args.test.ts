import { describe, expect, it } from 'vitest';
import { ArgsError, moduleSelected, parseArgs, selectedGroups } from '../../bench/ratio/args.js';

describe('bench arguments', () => {
  it('defaults: plain run, 5 rounds', () => {
    expect(parseArgs([])).toEqual({ peer: false, json: false, rounds: 5, roundMs: 400, only: [] });
  });
  it('reads --peer, --rounds, --round-ms, --python and filters', () => {
    const a = parseArgs(['vae', '--peer', '--rounds', '3', '--round-ms=250', '--python', '/usr/bin/python3', 'toy']);
    expect(a).toMatchObject({ peer: true, json: false, rounds: 3, roundMs: 250, python: '/usr/bin/python3', only: ['vae', 'toy'] });
  });
  it('--json takes a file unless the next word is a flag or a filter', () => {
    const file = (argv: string[]) => parseArgs(argv).jsonFile;
    expect(parseArgs(['--json']).json).toBe(true);
    expect(file(['--json'])).toBeUndefined();
    expect(parseArgs(['--json', 'out.json'])).toMatchObject({ json: true, jsonFile: 'out.json', only: [] });
    expect(parseArgs(['--json=x/y.json', 'vae'])).toMatchObject({ jsonFile: 'x/y.json', only: ['vae'] });
    expect(parseArgs(['--json', 'vae'])).toMatchObject({ json: true, only: ['vae'] });
    expect(file(['--json', 'vae'])).toBeUndefined();
    expect(file(['--json', 'cartpole'])).toBeUndefined();
    expect(parseArgs(['--json', '--peer'])).toMatchObject({ json: true, peer: true });
    expect(file(['--json', '--peer'])).toBeUndefined();
  });
  it('refuses bad values and unknown options with one line', () => {
    expect(() => parseArgs(['--rounds', '0'])).toThrow(ArgsError);
    expect(() => parseArgs(['--rounds'])).toThrow('--rounds needs a positive integer, got nothing');
    expect(() => parseArgs(['--round-ms', '1.5'])).toThrow(ArgsError);
    expect(() => parseArgs(['--python'])).toThrow('--python needs a command');
    expect(() => parseArgs(['--json='])).toThrow(ArgsError);
    expect(() => parseArgs(['--fast'])).toThrow('unknown option --fast');
  });
  it('filters select comparison groups by module prefix or alias', () => {
    expect(selectedGroups([])).toEqual(['vae', 'estimators', 'agents', 'envs']);
    expect(selectedGroups(['toy', 'env'])).toEqual(['estimators', 'envs']);
    expect(selectedGroups(['cartpole'])).toEqual(['agents']);
    expect(selectedGroups(['est'])).toEqual(['estimators']);
    expect(selectedGroups(['nothing'])).toEqual([]);
  });
  it('filters select bench modules as the plain run always did, plus the aliases', () => {
    expect(moduleSelected('vae.js', [])).toBe(true);
    expect(moduleSelected('vae.js', ['vae'])).toBe(true);
    expect(moduleSelected('envs.js', ['vae'])).toBe(false);
    expect(moduleSelected('estimators.js', ['toy'])).toBe(true);
    expect(moduleSelected('agents.ts', ['cartpole'])).toBe(true);
  });
});
