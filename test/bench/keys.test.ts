import { describe, expect, it } from 'vitest';
import { cellNumber, flattenTable, resultKeys, slug } from '../../bench/ratio/keys.js';
import { summarise } from '../../bench/ratio/result.js';

describe('bench JSON keys', () => {
  it('a measured workload: value, .peer twin, .ratio (of the medians)', () => {
    const s = summarise({
      key: 'vae.linear1.b24.relax-rebar',
      unit: 'ms',
      relax: [{ value: 30 }, { value: 10 }, { value: 20 }],
      peer: [{ value: 4 }, { value: 5 }, { value: 6 }],
      timed: 12,
      load: 2.5,
    });
    expect(resultKeys(s)).toEqual({
      'vae.linear1.b24.relax-rebar.ms': 20,
      'vae.linear1.b24.relax-rebar.ms.peer': 5,
      'vae.linear1.b24.relax-rebar.ratio': 4,
      'vae.linear1.b24.relax-rebar.timed': 12,
      'vae.linear1.b24.relax-rebar.load': 2.5,
    });
    expect(s.range).toEqual([2, 7.5]);
  });
  it('without a peer: no .peer and no .ratio, the note kept', () => {
    const keys = resultKeys(summarise({ key: 'toy.relax', unit: 'us', relax: [{ value: 900 }], note: 'peer skipped: x' }));
    expect(keys).toEqual({ 'toy.relax.us': 900, 'toy.relax.note': 'peer skipped: x' });
  });
  it('extras get their own keys and twins; the ratio can be taken on an extra', () => {
    const f = (ms: number, steps: number) => ({ value: ms, extra: { stepsPerEpisode: steps, msPerStep: ms / steps } });
    const keys = resultKeys(
      summarise({ key: 'cartpole.relax.episode', unit: 'ms', relax: [f(20, 20)], peer: [f(10, 40)], ratioOn: 'msPerStep' }),
    );
    expect(keys).toEqual({
      'cartpole.relax.episode.ms': 20,
      'cartpole.relax.episode.ms.peer': 10,
      'cartpole.relax.episode.ratio': 4,
      'cartpole.relax.episode.stepsPerEpisode': 20,
      'cartpole.relax.episode.stepsPerEpisode.peer': 40,
      'cartpole.relax.episode.msPerStep': 1,
      'cartpole.relax.episode.msPerStep.peer': 0.25,
    });
    const env = resultKeys(summarise({ key: 'env.CartPole-v1', unit: 'stepsPerSecond', relax: [{ value: 8e6, extra: { 'direct.stepsPerSecond': 9e6 } }] }));
    expect(env).toEqual({ 'env.CartPole-v1.stepsPerSecond': 8e6, 'env.CartPole-v1.direct.stepsPerSecond': 9e6 });
  });
  it('table cells as numbers', () => {
    expect(cellNumber(12)).toBe(12);
    expect(cellNumber('0.85')).toBe(0.85);
    expect(cellNumber('5.21 M')).toBeCloseTo(5.21e6);
    expect(cellNumber('81.2 k')).toBeCloseTo(81200);
    expect(cellNumber('12%')).toBe(12);
    expect(cellNumber('0.58×')).toBe(0.58);
    expect(cellNumber('-')).toBeUndefined();
    expect(cellNumber('—')).toBeUndefined();
    expect(cellNumber('linear1')).toBeUndefined();
  });
  it('column names as key parts', () => {
    expect(slug('ms/step')).toBe('msPerStep');
    expect(slug('episodes/s acting')).toBe('episodesPerSActing');
    expect(slug('make()')).toBe('make');
    expect(slug('vec×8 no copy')).toBe('vecx8NoCopy');
  });
  it('existing bench tables flatten to bench.<module>.<row>.<column>', () => {
    const vae = flattenTable('vae', {
      title: 'T',
      columns: ['model', 'estimator', 'ms/step', 'PyTorch ms', 'ratio'],
      rows: [['linear1', 'rebar', '25.19', 4.2, '6.00×'], ['linear2', 'rebar', '55.75', '-', '-']],
    });
    expect(vae).toEqual({
      'bench.vae.linear1.rebar.msPerStep': 25.19,
      'bench.vae.linear1.rebar.pyTorchMs': 4.2,
      'bench.vae.linear1.rebar.ratio': 6,
      'bench.vae.linear2.rebar.msPerStep': 55.75,
    });
    const est = flattenTable('estimators', { title: 'T', columns: ['estimator', 'batch', 'latents', 'ms/step'], rows: [['relax', 24, 200, '8.74']], keyColumns: 3 });
    expect(est).toEqual({ 'bench.estimators.relax.batch24.latents200.msPerStep': 8.74 });
    const envs = flattenTable('envs', { title: 'T', columns: ['env', 'direct', 'cost', 'cost'], rows: [['CartPole-v1', '8.2 M', '5%', '7%'], ['(tfjs acting)', '1']] });
    expect(envs).toEqual({
      'bench.envs.CartPole-v1.direct': 8.2e6,
      'bench.envs.CartPole-v1.cost': 5,
      'bench.envs.CartPole-v1.cost3': 7,
      'bench.envs.tfjsActing.direct': 1,
    });
  });
});
