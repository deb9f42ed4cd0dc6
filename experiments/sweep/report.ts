// `relax-pg sweep report DIR`: report.md with the best configurations (mean
// metric over seeds), every trial, the metric against each swept parameter,
// and return curves per configuration with 25–75 % bands over seeds, in the
// style of the experiment reports (src/report).
import { join } from 'node:path';
import { bandSeries, lineChart, mean, std, savePlot, MarkdownReport, type Series } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import { better, parseMetric } from './metric.js';
import { sweptValues, type Trial } from './expand.js';
import { readResult, readSweep, type TrialSummary } from './store.js';
import type { ParamValue } from './params.js';

const MAX_CURVES = 8;

interface Group {
  label: string;
  values: Record<string, ParamValue>;
  trials: { trial: Trial; result?: TrialSummary }[];
  metrics: number[];
  mean: number | null;
}

const show = (v: ParamValue | undefined) => (typeof v === 'string' ? v : JSON.stringify(v));

function running(returns: number[], window: number): number[] {
  let s = 0;
  return returns.map((r, i) => {
    s += r;
    if (i >= window) s -= returns[i - window];
    return s / Math.min(i + 1, window);
  });
}

export async function writeSweepReport(dir: string): Promise<string> {
  const sweep = readSweep(dir);
  const def = sweep.definition;
  const metric = parseMetric(def.metric);
  const entries = sweep.trials.map((trial) => ({ trial, result: readResult(dir, trial.id) }));
  if (!entries.some((e) => e.result)) throw new UserError(`no trial of ${dir} has ended yet: nothing to report`);
  const names = Object.keys(sweptValues(def, sweep.trials[0]));
  const groups = new Map<string, Group>();
  for (const e of entries) {
    const values = sweptValues(def, e.trial);
    const g = groups.get(e.trial.group) ?? { label: names.map((n) => `${n}=${show(values[n])}`).join(' '), values, trials: [], metrics: [], mean: null };
    g.trials.push(e);
    if (e.result && e.result.status !== 'failed' && e.result.metric !== null) g.metrics.push(e.result.metric);
    groups.set(e.trial.group, g);
  }
  for (const g of groups.values()) g.mean = g.metrics.length ? mean(g.metrics) : null;
  const ranked = [...groups.values()].sort((a, b) => (a.mean === null ? 1 : b.mean === null ? -1 : better(def.mode, a.mean, b.mean) ? -1 : better(def.mode, b.mean, a.mean) ? 1 : 0));

  const report = new MarkdownReport();
  report.heading(`Sweep${def.name ? ` ${def.name}` : ''}: ${def.agent} on ${def.experiment ?? def.env}`);
  const budget = [def.episodes && `${def.episodes} episodes`, (def.frames ?? def.steps) && `${def.frames ?? def.steps} frames`].filter(Boolean).join(' or ');
  report.paragraph(
    `${sweep.trials.length} trials (${groups.size} configurations × ${def.seeds.length} seeds: ${def.seeds.join(', ')}), up to ${budget} each; ` +
      `metric ${def.metric} (${def.mode === 'max' ? 'higher' : 'lower'} is better)` +
      (def.asha ? `; ASHA early stopping at ${def.asha.rungs.map((r) => `${r * 100} %`).join(', ')} of the budget, η = ${def.asha.eta ?? 2}` : '') +
      `. relax-pg ${sweep.version}.`,
  );
  report.heading('Best configurations', 2);
  report.table(
    [...names, `${def.metric} (mean over seeds)`, 'std', 'seeds with a value', 'statuses'],
    ranked.map((g) => [
      ...names.map((n) => show(g.values[n])),
      g.mean,
      g.metrics.length > 1 ? std(g.metrics) : null,
      `${g.metrics.length}/${g.trials.length}`,
      g.trials.map((t) => t.result?.status ?? 'not ended').join(', '),
    ]),
    { digits: 4 },
  );
  report.heading('Every trial', 2);
  report.table(
    ['trial', ...names, 'seed', 'status', def.metric, 'episodes', 'frames', 'worker', 'note'],
    entries.map(({ trial, result }) => [
      trial.id,
      ...names.map((n) => show(trial.config.params[n])),
      trial.config.seed,
      result?.status ?? 'not ended',
      result?.metric ?? null,
      result?.episodes ?? null,
      result?.steps ?? null,
      result?.worker ?? '',
      result?.error ?? (result?.stoppedAt !== undefined ? `stopped at ${result.stoppedAt}` : ''),
    ]),
    { digits: 4 },
  );
  report.heading('Plots', 2);
  for (const name of names) {
    const file = `metric-vs-${name}`;
    await savePlot(paramPlot(name, def.metric, ranked), dir, file);
    report.image(`${def.metric} against ${name}`, `${file}.png`);
  }
  const window = metric.window || 100;
  const curves: Series[] = ranked.slice(0, MAX_CURVES).flatMap((g) => {
    const cs = g.trials.filter((t) => t.result && t.result.returns.length).map((t) => running(t.result!.returns, window));
    if (!cs.length) return [];
    const n = Math.max(...cs.map((c) => c.length));
    const stride = Math.max(1, Math.floor(n / 300));
    const x = Array.from({ length: Math.ceil(n / stride) }, (_, j) => j * stride + 1);
    return [bandSeries(g.label || 'all', x, x.map((e) => cs.map((c) => c[e - 1] ?? NaN)))];
  });
  if (curves.length) {
    await savePlot(
      lineChart({ title: `return (mean of the last ${window} episodes)`, subtitle: `mean and 25–75 % band over seeds; the ${curves.length} best configuration(s)`, xLabel: 'episode', yLabel: `return (${window}-episode mean)`, series: curves }),
      dir,
      'curves',
    );
    report.image('Return curves per configuration', 'curves.png');
  }
  const path = join(dir, 'report.md');
  report.write(path);
  return path;
}

/** The metric against one parameter: every trial (points) and the mean over seeds per configuration. */
function paramPlot(name: string, metricName: string, groups: Group[]) {
  const values = groups.map((g) => g.values[name]);
  const numeric = values.every((v) => typeof v === 'number');
  // Categories (strings, layer sizes) sit at 0, 1, 2, ... in first-seen order.
  const categories = [...new Set(values.map(show))];
  const xOf = (v: ParamValue) => (numeric ? (v as number) : categories.indexOf(show(v)));
  const positive = numeric && values.every((v) => (v as number) > 0);
  const logX = positive && Math.max(...(values as number[])) / Math.min(...(values as number[])) >= 10;
  const pts = groups.flatMap((g) => g.metrics.map((m) => [xOf(g.values[name]), m] as const)).sort((a, b) => a[0] - b[0]);
  const means = groups.filter((g) => g.mean !== null).map((g) => [xOf(g.values[name]), g.mean!] as const).sort((a, b) => a[0] - b[0]);
  return lineChart({
    title: `${metricName} against ${name}`,
    subtitle: numeric ? 'each trial, and each configuration’s mean over seeds' : `categories: ${categories.map((c, i) => `${i} = ${c}`).join(', ')}`,
    xLabel: name,
    yLabel: metricName,
    logX,
    series: [
      { name: 'trial', x: pts.map((p) => p[0]), y: pts.map((p) => p[1]), points: true, line: false },
      { name: 'configuration mean', x: means.map((p) => p[0]), y: means.map((p) => p[1]), points: true, line: false },
    ],
  });
}
