// Plots, image grids and report.md for the binary-VAE experiment, with the
// paper's numbers beside ours.
import { join } from 'node:path';
import { lineChart, savePlot, MarkdownReport, mean, bandSeries, thinSeries, type Series } from '../../src/report/index.js';
import type { VaeTrack } from './train.js';
import type { VaeExperimentConfig, VaeSummary } from './run.js';
import { fEvaluationsPerImage } from './estimators.js';

/** Highest training ELBO in the RELAX paper (MNIST), by model and estimator. */
export const PAPER_TRAIN_ELBO: Record<string, Record<string, number>> = {
  nonlinear: { concrete: -102.2, nvil: -101.5, muprop: -101.1, rebar: -81.01, 'relax-rebar': -78.13 },
  linear1: { concrete: -111.3, nvil: -112.5, muprop: -111.7, rebar: -111.6, 'relax-rebar': -111.2 },
  linear2: { concrete: -99.62, nvil: -99.6, muprop: -99.07, rebar: -98.22, 'relax-rebar': -98.0 },
};

function band(tracks: VaeTrack[], name: string, steps: (t: VaeTrack) => number[], ys: (t: VaeTrack) => number[]): Series {
  const x = steps(tracks[0]);
  return bandSeries(name, x, x.map((_, i) => tracks.map((t) => ys(t)[i] ?? NaN)));
}

const fmt = (xs: (number | null)[]) => xs.map((x) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(2))).join(', ');
const meanOf = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? mean(v) : NaN;
};

// Nothing measured (a short run): — rather than NaN.
const cell = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(2)) : null);

export async function writeVaeReport(outDir: string, config: VaeExperimentConfig, summary: VaeSummary, tracks: VaeTrack[]): Promise<void> {
  const byName = config.estimators
    .map((name) => ({ name, tracks: tracks.filter((t) => t.estimator === name).sort((a, b) => a.seed - b.seed) }))
    .filter((e) => e.tracks.length > 0);
  const subtitle = `${config.model}, batch ${config.batch}; mean and 25–75 % band over ${summary.seeds.length} seed(s)`;
  const plots: [string, string][] = [];
  const save = async (name: string, title: string, spec: Parameters<typeof savePlot>[0]) => {
    await savePlot(spec, outDir, name);
    plots.push([title, `${name}.png`]);
  };
  const neg = (xs: number[]) => xs.map((x) => -x);
  await save(
    'train-elbo',
    '−ELBO on training batches',
    lineChart({
      title: '−ELBO on training batches (running mean)',
      subtitle,
      xLabel: 'step',
      yLabel: '−ELBO (nats)',
      series: byName.map((e) => thinSeries(band(e.tracks, e.name, (t) => t.logSteps, (t) => neg(t.trainElbo)))),
    }),
  );
  // The same curves at equal numbers of f evaluations: K-sample estimators (and ARM, REBAR, …) pay more per step.
  const perStep = (name: string) => config.batch * fEvaluationsPerImage(name, config.k);
  await save(
    'train-elbo-per-evaluation',
    '−ELBO on training batches, by evaluations of f',
    lineChart({
      title: '−ELBO on training batches against evaluations of f',
      subtitle: `${subtitle}; x = step × evaluations of f per step`,
      xLabel: 'evaluations of f',
      yLabel: '−ELBO (nats)',
      series: byName.map((e) => thinSeries(band(e.tracks, e.name, (t) => t.logSteps.map((s) => s * perStep(e.name)), (t) => neg(t.trainElbo)))),
    }),
  );
  if (byName.some((e) => e.tracks[0].evalSteps.length > 1)) {
    await save(
      'valid-elbo',
      '−ELBO on validation',
      lineChart({
        title: '−ELBO on the validation set',
        subtitle,
        xLabel: 'step',
        yLabel: '−ELBO (nats)',
        series: byName.map((e) => band(e.tracks, e.name, (t) => t.evalSteps, (t) => neg(t.validElbo))),
      }),
    );
    await save(
      'valid-elbo-per-evaluation',
      '−ELBO on validation, by evaluations of f',
      lineChart({
        title: '−ELBO on the validation set against evaluations of f',
        subtitle: `${subtitle}; x = step × evaluations of f per step`,
        xLabel: 'evaluations of f',
        yLabel: '−ELBO (nats)',
        series: byName.map((e) => band(e.tracks, e.name, (t) => t.evalSteps.map((s) => s * perStep(e.name)), (t) => neg(t.validElbo))),
      }),
    );
  }
  if (config.varianceEvery > 0) {
    await save(
      'log-variance',
      'Encoder-gradient log-variance',
      lineChart({
        title: 'log variance of the encoder-gradient estimator',
        subtitle: `${config.varianceSamples} draws at the current parameters every ${config.varianceEvery} steps (mean over parameters)`,
        xLabel: 'step',
        yLabel: 'log Var(ĝ)',
        series: byName.map((e) => band(e.tracks, e.name, (t) => t.varianceSteps, (t) => t.logVariance)),
      }),
    );
  }

  const report = new MarkdownReport();
  report.heading(`Binary VAE on MNIST: ${config.model}`);
  report.paragraph(
    `${config.steps} steps (${((config.steps * config.batch) / 50_000).toFixed(1)} epochs), batch ${config.batch}, Adam ${config.lr} (β2 = 0.99999) on the model, ` +
      `control variates at ${config.cvLrScale}× that; ${config.binarisation} binarisation; seeds ${summary.seeds.join(', ')}; ` +
      `backend ${summary.backend}; wall time ${summary.wallSeconds.toFixed(0)} s.`,
  );
  report.heading('Results (nats; higher is better)', 2);
  const paper = PAPER_TRAIN_ELBO[config.model] ?? {};
  report.table(
    ['estimator', 'train ELBO (mean)', 'per seed', 'valid ELBO', 'test ELBO', `valid IWAE-${config.iwaeSamples}`, `test IWAE-${config.iwaeSamples}`, 'log-var, 2nd half', 'log-var × evals', 'ms/step', 'f evals/step', 'paper train ELBO (2 M steps)'],
    byName.map(({ name }) => {
      const s = summary.estimators[name];
      return [
        name,
        cell(meanOf(s.trainElbo)),
        fmt(s.trainElbo),
        cell(meanOf(s.validElbo)),
        cell(meanOf(s.testElbo)),
        cell(meanOf(s.validIwae)),
        cell(meanOf(s.testIwae)),
        cell(meanOf(s.logVarianceSecondHalf)),
        // At equal evaluations of f: log(Var × evaluations per image).
        cell(meanOf(s.logVarianceSecondHalf) + Math.log(fEvaluationsPerImage(name, config.k))),
        Number.isFinite(s.msPerStep) ? Number(s.msPerStep.toFixed(1)) : null,
        s.fEvaluationsPerStep ?? perStep(name),
        paper[name] ?? '—',
      ];
    }),
    { digits: 5 },
  );
  report.paragraph(
    'Train ELBO: one-sample ELBO over the whole training split at the end; IWAE: importance-weighted bound. ' +
      `The paper's figures are the highest training ELBO after 2,000,000 steps (Grathwohl et al., ICLR 2018, Table 2): ` +
      `a ${config.steps}-step run is a fraction of that budget, so compare estimators with each other here, and with the paper only in ranking. ` +
      `f evals/step: evaluations of f per step (batch × K for rloo, arms and double-cv, K = ${config.k ?? 'default'}; batch × the points each other estimator evaluates f at); ` +
      'the "by evaluations of f" plots put the estimators on that common axis, and log-var × evals is the log-variance of one step\'s estimate plus log(evaluations per image).',
  );
  report.heading('At equal numbers of f evaluations', 2);
  report.paragraph(equalEvaluationsLine(byName, perStep));
  const gaps = acceptanceLines(summary);
  if (gaps.length) {
    report.heading('Comparisons (seed means)', 2);
    report.bullets(gaps);
  }
  report.heading('Plots', 2);
  for (const [title, file] of plots) report.image(title, file);
  report.heading('Reconstructions and samples', 2);
  report.paragraph('Rows: validation images, their reconstructions (pixel means given b ~ q(b|x)), samples from the model (first seed).');
  for (const { name } of byName) report.image(name, `images-${name}.png`);
  report.write(join(outDir, 'report.md'));
}

/**
 * Each estimator's running training ELBO when it has used as many f
 * evaluations as the most frugal one used in the whole run (the last log
 * step at or below that budget), seed means.
 */
function equalEvaluationsLine(byName: { name: string; tracks: VaeTrack[] }[], perStep: (name: string) => number): string {
  if (!byName.length) return '';
  const budget = Math.min(...byName.map((e) => (e.tracks[0].logSteps.at(-1) ?? 0) * perStep(e.name)));
  const parts = byName.map(({ name, tracks }) => {
    const at = tracks.map((t) => {
      let value = NaN;
      t.logSteps.forEach((s, i) => {
        if (s * perStep(name) <= budget) value = t.trainElbo[i];
      });
      return value;
    });
    return `${name} ${Number.isFinite(meanOf(at)) ? meanOf(at).toFixed(2) : '—'}`;
  });
  return `Running training ELBO after ${budget.toLocaleString('en')} evaluations of f: ${parts.join(', ')}.`;
}

/** The acceptance comparisons, where the estimators involved were run. */
function acceptanceLines(summary: VaeSummary): string[] {
  const e = summary.estimators;
  const m = (name: string, key: 'trainElbo' | 'logVarianceSecondHalf') => (e[name] ? meanOf(e[name][key]) : NaN);
  const lines: string[] = [];
  const base = 'reinforce-baseline';
  for (const name of ['rebar', 'relax-rebar']) {
    if (!e[name] || !e[base]) continue;
    lines.push(
      `${name} − ${base}: train ELBO ${(m(name, 'trainElbo') - m(base, 'trainElbo')).toFixed(2)} nats (target ≥ 6); ` +
        `log-variance ${(m(name, 'logVarianceSecondHalf') - m(base, 'logVarianceSecondHalf')).toFixed(2)} (target ≤ −3)`,
    );
  }
  if (e.rebar && e['relax-rebar']) {
    lines.push(
      `relax-rebar − rebar: train ELBO ${(m('relax-rebar', 'trainElbo') - m('rebar', 'trainElbo')).toFixed(2)} nats (target ≥ −0.5); ` +
        `log-variance ${(m('relax-rebar', 'logVarianceSecondHalf') - m('rebar', 'logVarianceSecondHalf')).toFixed(2)} (target ≤ 0)`,
    );
  }
  return lines;
}
