// A sweep's folder, the one record every engine and worker shares (a shared
// filesystem across machines):
//   sweep.json            the definition and its trials (ids, configs)
//   config.json           run info (command, versions)
//   trials/<id>/          one trial: trial.json (its config), the agent's
//                         checkpoint, metrics.jsonl, progress.csv,
//                         status.json (who runs it, how far) and, once it
//                         has ended, result.json (its summary)
//   asha/rung<k>/<id>.json early-stopping records (asha.ts)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import type { SweepDefinition } from './definition.js';
import type { Trial } from './expand.js';

export type TrialStatus = 'queued' | 'running' | 'done' | 'failed' | 'stopped';

/** What a trial's runner says while it runs (status.json). */
export interface TrialProgress {
  status: 'running';
  worker: string;
  /** The process running it (sweep status tells a live one from one that died on this host). */
  host?: string;
  pid?: number;
  episodes: number;
  steps: number;
  metric: number | null;
  /** Episodes at which the trial continued from its checkpoint (after a killed worker or sweep). */
  resumedAt?: number[];
  updatedAt: string;
}

/** A trial's end (result.json; also the queue job's result). */
export interface TrialSummary {
  id: string;
  status: 'done' | 'failed' | 'stopped';
  metric: number | null;
  episodes: number;
  steps: number;
  /** Training seconds (across resumes). */
  seconds: number;
  worker: string;
  /** Where early stopping ended it (episodes or frames). */
  stoppedAt?: number;
  resumedAt?: number[];
  error?: string;
  returns: number[];
}

export interface SweepFile {
  format: 'relax-pg-sweep';
  version: string;
  definition: SweepDefinition;
  trials: Trial[];
}

export const trialDir = (sweepDir: string, id: string) => join(sweepDir, 'trials', id);
const resultPath = (sweepDir: string, id: string) => join(trialDir(sweepDir, id), 'result.json');
const statusPath = (sweepDir: string, id: string) => join(trialDir(sweepDir, id), 'status.json');

export function readSweep(dir: string): SweepFile {
  const path = join(dir, 'sweep.json');
  if (!existsSync(path)) throw new UserError(`${dir} holds no sweep (no sweep.json): run \`relax-pg sweep FILE --out ${dir}\` first`);
  const sweep = readJson<SweepFile>(path);
  if (sweep?.format !== 'relax-pg-sweep') throw new UserError(`${path} is not a sweep's record (a sweep definition? pass it as \`relax-pg sweep FILE --out DIR\`)`);
  return sweep;
}

export function writeSweep(dir: string, sweep: SweepFile): void {
  writeJsonAtomic(join(dir, 'sweep.json'), sweep);
}

export function readResult(sweepDir: string, id: string): TrialSummary | undefined {
  const path = resultPath(sweepDir, id);
  return existsSync(path) ? readJson<TrialSummary>(path) : undefined;
}

export function writeResult(sweepDir: string, summary: TrialSummary): void {
  writeJsonAtomic(resultPath(sweepDir, summary.id), summary);
}

/** Done and stopped trials are final; a failed one runs again when the sweep is re-run. */
export const isFinal = (s: TrialSummary | undefined) => s !== undefined && s.status !== 'failed';

export function readProgress(sweepDir: string, id: string): TrialProgress | undefined {
  const path = statusPath(sweepDir, id);
  return existsSync(path) ? readJson<TrialProgress>(path) : undefined;
}

export function writeProgress(sweepDir: string, id: string, p: TrialProgress): void {
  writeJsonAtomic(statusPath(sweepDir, id), p);
}
