// `relax-pg sweep FILE --out DIR [--queue URL]`, `relax-pg sweep status
// DIR|--queue URL [--json]`, `relax-pg sweep report DIR` and `relax-pg
// worker --queue URL` (experiments/sweep/).
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { createLogger } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import { num, workersOption } from './parse.js';
import { prepareOutDir } from '../outDir.js';
import { defaultWorkers } from '../pool.js';
import { readDefinition } from '../sweep/definition.js';
import { runSweep, relaxPgVersion } from '../sweep/run.js';
import { statusFromDir, statusTable, type TrialRow } from '../sweep/status.js';

async function status(dir: string | undefined, o: Record<string, any>): Promise<void> {
  if ((dir === undefined) === (o.queue === undefined)) throw new UserError('sweep status needs a sweep folder or --queue URL (one of them)');
  let rows: TrialRow[];
  if (o.queue) {
    const { statusFromQueue } = await import('../sweep/status.js');
    rows = await statusFromQueue(o.queue);
  } else rows = statusFromDir(dir!);
  const json = { trials: rows.map((r) => ({ id: r.id, status: r.status, metric: r.metric, config: r.config, worker: r.worker ?? null, episodes: r.episodes ?? null, ...(r.error ? { error: r.error } : {}) })) };
  process.stdout.write(o.json ? `${JSON.stringify(json)}\n` : statusTable(rows));
}

async function sweep(what: string, dir: string | undefined, o: Record<string, any>): Promise<void> {
  if (what === 'status') return status(dir, o);
  if (what === 'report') {
    if (!dir) throw new UserError('sweep report needs the sweep folder: relax-pg sweep report DIR');
    const { writeSweepReport } = await import('../sweep/report.js');
    process.stdout.write(`${await writeSweepReport(dir)}\n`);
    return;
  }
  if (dir !== undefined) throw new UserError(`unexpected '${dir}': relax-pg sweep FILE --out DIR`);
  if (!o.out) throw new UserError('sweep needs --out DIR (the sweep folder: trials, checkpoints, results)');
  const def = readDefinition(what);
  const out = prepareOutDir(o.out);
  const logger = createLogger({ file: join(out, 'log.jsonl') });
  try {
    await runSweep(def, out, { logger, queue: o.queue, workers: o.workers ?? defaultWorkers() });
  } finally {
    await logger.close();
  }
}

async function worker(o: Record<string, any>): Promise<void> {
  const { runWorker } = await import('../sweep/worker.js');
  let signalled = 0;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  const onSignal = (signal: string) => {
    // The first signal closes gracefully (running trials finish); a second exits now (their jobs move on after the lock).
    if (signalled++ > 0) process.exit(130);
    process.stderr.write(`relax-pg: ${signal}: finishing the running trial(s), then stopping (again to stop now)\n`);
    stop();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  await runWorker(o.queue, { concurrency: o.concurrency, lockSeconds: o.lockSeconds, version: relaxPgVersion(), log: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`) }, stopped);
}

export function registerSweepCommands(program: Command): void {
  program
    .command('sweep')
    .description('run a hyper-parameter sweep (FILE --out DIR), or show its status / write its report')
    .argument('<file|status|report>', 'the sweep definition (JSON), or status / report')
    .argument('[dir]', 'the sweep folder (status, report)')
    .option('--out <dir>', 'the sweep folder (trials, checkpoints, results; every worker must reach it)')
    .option('--queue <url>', 'put the trials on a BullMQ queue at redis://HOST:PORT (default: the local worker pool)')
    .addOption(workersOption())
    .option('--json', 'status: print one JSON object')
    .action(sweep);

  program
    .command('worker')
    .description('take sweep trials from a BullMQ queue and run them, until SIGTERM/SIGINT')
    .requiredOption('--queue <url>', 'the queue: redis://HOST:PORT')
    .addOption(new Option('--concurrency <n>', 'trials at once, each in its own thread').default(1).argParser(num('--concurrency', { min: 1, integer: true })))
    .addOption(new Option('--lock-seconds <s>', "a trial's lock; a dead worker's trial moves to another after about 1.5 × this").default(4).argParser(num('--lock-seconds', { min: 1 })))
    .action(worker);
}
