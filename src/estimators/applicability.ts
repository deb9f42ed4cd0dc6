// Whether a named estimator (catalog.ts) can work on a problem, from what
// the problem offers (its distribution, f at relaxed inputs, f at a second
// sample, K samples per input); `checkApplicable` refuses a combination that
// cannot work with one line naming what is missing.
import { UserError } from '../errors.js';
import type { Distribution } from '../distributions/index.js';
import { ESTIMATORS, estimatorSetup, type DistributionNeed, type ProblemCapabilities, type ProblemLabel } from './catalog.js';

const KIND_OF: Record<Distribution['name'], Distribution['kind']> = { bernoulli: 'discrete', categorical: 'discrete', normal: 'continuous' };

/** The name (when known) and kind of a problem's distribution. */
function distributionOf(d: ProblemCapabilities['distribution']): { name?: Distribution['name']; kind: Distribution['kind'] } {
  if (typeof d === 'object') return { name: d.name, kind: d.kind };
  if (d === 'discrete' || d === 'continuous') return { kind: d };
  if (d in KIND_OF) return { name: d, kind: KIND_OF[d] };
  throw new UserError(`unknown distribution '${String(d)}' (choose from ${[...Object.keys(KIND_OF), 'discrete', 'continuous'].join(', ')})`);
}

function distributionFits(need: DistributionNeed, d: { name?: string; kind: string }): boolean {
  if (need === 'any') return true;
  if (need === 'bernoulli') return d.name === 'bernoulli';
  return d.kind === need;
}

const DISTRIBUTION_PHRASE: Record<Exclude<DistributionNeed, 'any'>, string> = {
  bernoulli: 'Bernoulli b',
  discrete: 'a discrete b with a relaxation (bernoulli or categorical)',
  continuous: 'a continuous reparameterised b',
};

/** The needs of `name` that a problem with these capabilities lacks, as phrases (empty: applicable). */
export function missingNeeds(name: string, capabilities: ProblemCapabilities): string[] {
  const { needs } = estimatorSetup(name);
  const distribution = distributionOf(capabilities.distribution); // refuses an unknown one, whatever the estimator
  const missing: string[] = [];
  if (needs.distribution !== 'any' && !distributionFits(needs.distribution, distribution)) {
    missing.push(DISTRIBUTION_PHRASE[needs.distribution]);
  }
  if (needs.relaxedF && !capabilities.relaxedF) missing.push('f at relaxed inputs');
  if (needs.secondF && !capabilities.secondF) missing.push('f at a second sample of b');
  if (needs.multiSample && !(capabilities.multiSample ?? capabilities.secondF)) missing.push('K samples of b for the same input, each scored by f');
  return missing;
}

export function isApplicable(name: string, capabilities: ProblemCapabilities): boolean {
  return missingNeeds(name, capabilities).length === 0;
}

/** The catalog's names that work on a problem with these capabilities, in catalog order. */
export function applicableEstimators(capabilities: ProblemCapabilities): string[] {
  return Object.keys(ESTIMATORS).filter((name) => isApplicable(name, capabilities));
}

const joinAnd = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/**
 * Throw one UserError line when estimator `name` cannot work on a problem
 * with these capabilities, e.g.
 *   'rebar' needs f at relaxed inputs, which CartPole-v1 does not have (a gym task)
 * (also for an unknown name). `problem` names the problem in the message.
 */
export function checkApplicable(name: string, capabilities: ProblemCapabilities, problem: ProblemLabel = 'this problem'): void {
  const missing = missingNeeds(name, capabilities);
  if (missing.length === 0) return;
  const label = typeof problem === 'string' ? { name: problem } : problem;
  const needs = estimatorSetup(name).needs;
  const notes: string[] = [];
  if (label.note) notes.push(label.note);
  if (needs.distribution !== 'any' && !distributionFits(needs.distribution, distributionOf(capabilities.distribution))) {
    const d = distributionOf(capabilities.distribution);
    notes.push(`its b is ${d.name ?? d.kind}`);
  }
  const tail = notes.length ? ` (${notes.join('; ')})` : '';
  throw new UserError(`'${name}' needs ${joinAnd(missing)}, which ${label.name} does not have${tail}`);
}
