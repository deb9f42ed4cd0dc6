// How many samples per input a run of a catalog estimator draws, and what an
// estimate costs in evaluations of f (the K-sample estimators: K).
import { UserError } from '../errors.js';
import { estimatorSetup } from './catalog.js';

/** K of the K-sample estimators when a caller does not say (e.g. `estimate` without --k). */
export const DEFAULT_K = 4;

/** K for a run of `name`: the given k for a K-sample estimator (default DEFAULT_K; at least 2), 1 otherwise (a k > 1 is refused). */
export function samplesFor(name: string, k?: number): number {
  const { needs } = estimatorSetup(name);
  if (!needs.multiSample) {
    if (k !== undefined && k !== 1) throw new UserError(`'${name}' takes one sample per input; --k ${k} is for rloo, vimco, arms and double-cv`);
    return 1;
  }
  const K = k ?? DEFAULT_K;
  if (!Number.isInteger(K) || K < 2) throw new UserError(`'${name}' needs K ≥ 2 samples per input, got --k ${K}`);
  return K;
}

/** Evaluations of f per estimate: K for a K-sample estimator, 2 for ARM and DisARM, else 1. */
export function fEvaluations(name: string, k?: number): number {
  const { needs } = estimatorSetup(name);
  return needs.multiSample ? samplesFor(name, k) : needs.k ?? 1;
}

