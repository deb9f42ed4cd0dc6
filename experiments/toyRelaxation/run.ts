// `relax-pg experiment toy-relaxation`: the optimal relaxation on the toy and
// its dependence on θ. For each θ × t, one cell (cell.ts), written atomically
// to cells/ as it finishes (a rerun with --resume keeps finished cells of the
// same settings); then results.json, the plots and report.md. Cells are
// small and sequential, so the experiment harness's method × seed grid and
// worker pool are not used; config.json and versions are written the same way.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { currentBackend } from '../../src/tf/index.js';
import { readJson, writeJsonAtomic, writeRunInfo, type Logger } from '../../src/report/index.js';
import { runCell, type CellResult, type CellSettings } from './cell.js';
import { writeToyRelaxationReport } from './report.js';

export interface ToyRelaxationConfig extends CellSettings {
  thetas: number[];
  targets: number[];
}

export const TOY_RELAXATION_DEFAULTS: ToyRelaxationConfig = {
  thetas: [0.1, 0.3, 0.5, 0.7, 0.9],
  targets: [0.45, 0.499],
  seed: 1,
  // λ from 0.01 to 10⁴, log-spaced, 6 a decade. Large λ matters: σ_λ(z) → ½ and η·f(σ_λ(z)) → a
  // constant baseline, which for one Bernoulli can remove all the variance (see report.ts).
  temperatures: Array.from({ length: 37 }, (_, i) => Number((0.01 * 10 ** (i / 6)).toPrecision(3))),
  scanSamples: 20_000,
  samples: 200_000,
  steps: 3000,
  batch: 16,
  cvLr: 0.01,
  hidden: 10,
  temperature: 0.5,
};

export interface ToyRelaxationResult {
  cells: CellResult[];
  backend: string;
  wallSeconds: number;
}

export const cellName = (theta: number, target: number) => `theta${theta}-t${target}`;

export async function runToyRelaxation(config: ToyRelaxationConfig, outDir: string, options: { logger: Logger; resume?: boolean }): Promise<ToyRelaxationResult> {
  const { logger } = options;
  const start = performance.now();
  const cellsDir = join(outDir, 'cells');
  mkdirSync(cellsDir, { recursive: true });
  const previous = options.resume && existsSync(join(outDir, 'config.json')) ? readJson<{ config: ToyRelaxationConfig }>(join(outDir, 'config.json')).config : undefined;
  // Finished cells are kept only if they were made with the same settings.
  const same = previous !== undefined && JSON.stringify({ ...previous, thetas: 0, targets: 0 }) === JSON.stringify({ ...config, thetas: 0, targets: 0 });
  if (options.resume && previous && !same) logger.info('settings differ from the stored run: every cell is made again');
  writeRunInfo(outDir, config, { backend: currentBackend() });
  const cells: CellResult[] = [];
  for (const target of config.targets) {
    for (const theta of config.thetas) {
      const file = join(cellsDir, `${cellName(theta, target)}.json`);
      if (same && existsSync(file)) {
        cells.push(readJson<CellResult>(file));
        logger.info('kept finished cell', { theta, target });
        continue;
      }
      const cell = runCell(theta, target, config);
      writeJsonAtomic(file, cell);
      cells.push(cell);
      logger.info('cell finished', {
        theta,
        target,
        reinforce: Number(cell.reinforce.exactVariance.toPrecision(4)),
        rebar: Number(cell.rebar.variance.toPrecision(4)),
        relax: Number(cell.relax.variance.toPrecision(4)),
        seconds: Math.round(cell.seconds),
      });
    }
  }
  const result: ToyRelaxationResult = { cells, backend: currentBackend(), wallSeconds: (performance.now() - start) / 1000 };
  writeJsonAtomic(join(outDir, 'results.json'), result);
  await writeToyRelaxationReport(outDir, config, result);
  return result;
}
