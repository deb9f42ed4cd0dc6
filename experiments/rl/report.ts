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
  const n = summary.seeds.length;
  const paperSeeds = def.paperSeeds ? ` (${def.paperSeeds} seeds)` : '';
  report.table(
    ['agent', 'per seed', 'mean (solved seeds)', 'std', 'solved', 'paper (mean ± std)', 'frames to solve', `best ${w}-episode mean`, 'log-variance (mean)', 'ms / 100k frames'],
    def.agents.map((a) => {
      const s = summary.agents[a.name];
      const p = def.paper?.[a.name];
      return [
        a.name,
        s.episodesToSolve.map((x) => (x === null ? '—' : String(x))).join(', '),
        solvedMean(s.mean, s.solvedSeeds, n),
        s.solvedSeeds > 1 ? s.std : null, // one seed has no spread
        `${s.solvedSeeds}/${n}`,
        p ? `${p.mean} ± ${p.std}${paperSeeds}` : '—',
        s.framesToSolve.map((x) => (x === null ? '—' : String(x))).join(', '),
        // −Infinity: fewer than `w` episodes, no full window.
        s.bestWindowMean.map((x) => (Number.isFinite(x) ? x.toFixed(0) : '—')).join(', '),
        s.logVariance,
        Number.isFinite(s.msPer100kFrames) ? s.msPer100kFrames : null,
      ];
    }),
    { digits: 4 },
  );
  const protocol = protocolNote(def, summary);
  if (protocol) report.paragraph(protocol);
  if (def.paperNote) report.paragraph(def.paperNote);
  report.heading('Plots', 2);
  report.image('Reward curves', 'rewards.png');
  if (varSeries.length) report.image('Log-variance', 'log-variance.png');
  report.write(join(outDir, 'report.md'));
}

/** The mean over solved seeds, saying how many that is when not all solved. */
function solvedMean(mean: number | null, solved: number, seeds: number): string | number | null {
  if (mean === null) return null;
  return solved === seeds ? Math.round(mean) : `${Math.round(mean)} (mean over ${solved} of ${seeds} seeds that solved)`;
}

/** When this run's protocol is not the one the paper's numbers come from, say so beside them. */
function protocolNote(def: RlExperiment, summary: RlSummary): string | undefined {
  if (!def.paper) return undefined;
  const differences: string[] = [];
  if (def.paperSeeds && summary.seeds.length !== def.paperSeeds) differences.push(`${summary.seeds.length} seed(s) (paper: ${def.paperSeeds})`);
  if (summary.maxEpisodes < def.maxEpisodes) differences.push(`at most ${summary.maxEpisodes} episodes per run (this experiment's default: ${def.maxEpisodes})`);
  if (summary.maxFrames !== undefined) differences.push(`at most ${summary.maxFrames} frames per run`);
  // A cap below a published mean means that agent was not expected to solve here.
  const beyond = Object.entries(def.paper).filter(([, p]) => p.mean > summary.maxEpisodes).map(([name, p]) => `${name} (paper mean ${p.mean})`);
  if (differences.length === 0 && beyond.length === 0) return undefined;
  return (
    `Not the paper's protocol: this run used ${differences.length ? differences.join(', ') : 'the same settings'}, so its numbers are not directly comparable with the paper column.` +
    (beyond.length ? ` The cap of ${summary.maxEpisodes} episodes is below the paper's mean for ${beyond.join(', ')}: unsolved seeds are expected there.` : '')
  );
}
