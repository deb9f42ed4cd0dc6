// Plots and report.md for RL experiments: reward curves (mean and 25–75 %
// band over seeds of the 100-episode running mean) and log-variance curves.
import { join } from 'node:path';
import { lineChart, savePlot, MarkdownReport, bandSeries } from '../../src/report/index.js';
import type { RlExperiment } from './definitions.js';
import type { RlSummary } from './run.js';
import type { RlTrack } from './train.js';

function running(returns: number[], window: number): number[] {
  const out: number[] = [];
  let s = 0;
  returns.forEach((r, i) => {
    s += r;
    if (i >= window) s -= returns[i - window];
    out.push(s / Math.min(i + 1, window));
  });
  return out;
}

export async function writeRlReport(outDir: string, def: RlExperiment, summary: RlSummary, tracks: RlTrack[]): Promise<void> {
  const w = def.solve.window;
  const byAgent = def.agents.map((a) => ({ name: a.name, tracks: tracks.filter((t) => t.agent === a.name).sort((x, y) => x.seed - y.seed) }));
  // About 300 points along the longest run.
  const stride = Math.max(1, Math.floor(Math.max(...tracks.map((t) => t.returns.length)) / 300));
  const series = byAgent.map(({ name, tracks: ts }) => {
    const curves = ts.map((t) => running(t.returns, w));
    const n = Math.max(...curves.map((c) => c.length));
    const x = Array.from({ length: Math.ceil(n / stride) }, (_, j) => j * stride + 1);
    // Seeds that stopped early (solved) are left out beyond their end.
    return bandSeries(name, x, x.map((e) => curves.map((c) => c[e - 1] ?? NaN)));
  });
  await savePlot(
    lineChart({
      title: `${def.env}: return (mean of the last ${w} episodes)`,
      subtitle: `mean and 25–75 % band over ${summary.seeds.length} seed(s); solved at ${def.solve.threshold}`,
      xLabel: 'episode',
      yLabel: `return (${w}-episode mean)`,
      series,
    }),
    outDir,
    'rewards',
  );
  const varSeries = byAgent
    .filter(({ tracks: ts }) => ts.some((t) => t.variance.length))
    .map(({ name, tracks: ts }) => {
      const n = Math.min(...ts.map((t) => t.variance.length));
      const x = ts[0].variance.slice(0, n).map((v) => v.episodes);
      return bandSeries(name, x, x.map((_, i) => ts.map((t) => t.variance[i].logVariance)));
    });
  if (varSeries.length) {
    await savePlot(
      lineChart({
        title: `${def.env}: log variance of the policy-gradient estimator`,
        subtitle: `every ${def.varianceEvery} updates, ${def.varianceEpisodes} single-episode estimates, averaged over parameters`,
        xLabel: 'episode',
        yLabel: 'log Var(ĝ)',
        series: varSeries,
      }),
      outDir,
      'log-variance',
    );
  }
  const report = new MarkdownReport();
  report.heading(`${def.name}: ${def.env}`);
  report.paragraph(
    `Seeds ${summary.seeds.join(', ')}; up to ${summary.maxEpisodes} episodes` +
      (summary.maxFrames === undefined ? '' : ` or ${summary.maxFrames} frames`) +
      ` each; solved when the mean return of the last ${w} ` +
      `episodes is at least ${def.solve.threshold} (at least ${w} episodes played). Backend ${summary.backend}; wall time of this invocation ${summary.wallSeconds.toFixed(0)} s.`,
  );
  report.heading('Episodes to solve', 2);
  report.table(
    ['agent', 'per seed', 'mean (solved seeds)', 'std', 'solved', 'paper (mean ± std)', 'frames to solve', 'best 100-episode mean', 'log-variance (mean)', 'ms / 100k frames'],
    def.agents.map((a) => {
      const s = summary.agents[a.name];
      const p = def.paper?.[a.name];
      return [
        a.name,
        s.episodesToSolve.map((x) => (x === null ? '—' : String(x))).join(', '),
        s.mean,
        s.std,
        `${s.solvedSeeds}/${summary.seeds.length}`,
        p ? `${p.mean} ± ${p.std}` : '—',
        s.framesToSolve.map((x) => (x === null ? '—' : String(x))).join(', '),
        s.bestWindowMean.map((x) => x.toFixed(0)).join(', '),
        s.logVariance,
        s.msPer100kFrames,
      ];
    }),
    { digits: 4 },
  );
  if (def.paperNote) report.paragraph(def.paperNote);
  report.heading('Plots', 2);
  report.image('Reward curves', 'rewards.png');
  if (varSeries.length) report.image('Log-variance', 'log-variance.png');
  report.write(join(outDir, 'report.md'));
}
