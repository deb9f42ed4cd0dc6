// relax-pg/sweep: sweeps from code, as `relax-pg sweep` runs them. A definition
// (checked as the CLI checks a file), its trials with their stable ids, the
// sweep on the local pool or a queue, the worker, status and report.
export { checkDefinition, readDefinition, type SweepDefinition, type Distribution } from './definition.js';
export { expandTrials, trialId, type Trial, type TrialConfig } from './expand.js';
export { runSweep, type SweepOptions } from './run.js';
export { runWorker, type WorkerOptions } from './worker.js';
export { statusFromDir, statusFromQueue, statusTable, type TrialRow } from './status.js';
export { writeSweepReport } from './report.js';
export type { TrialStatus, TrialSummary } from './store.js';
