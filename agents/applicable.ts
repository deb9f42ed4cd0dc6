// Which catalog estimator an agent runs, and whether it can run on an
// environment: the catalog decides (src/estimators/catalog.ts). A gym task
// offers no f at relaxed inputs and no second evaluation of f (an episode's
// return cannot be re-evaluated at an action that was not taken) and no K
// samples for one input (RLOO, VIMCO and ARMS would need K episodes from the
// same start state, which a gym task cannot replay); the
// distribution is the policy's on the action space (categorical for
// Discrete, bernoulli for MultiBinary, normal for Box).
import { ESTIMATORS, checkApplicable, type ProblemCapabilities } from '../src/estimators/index.js';
import { UserError } from '../src/errors.js';
import type { Space } from '../envs/index.js';
import { actionDistribution } from './policy.js';
import { AGENT_KINDS, type AgentConfig, type AgentKind } from './config.js';

/**
 * The catalog name of the estimator each agent preset runs:
 *   reinforce  'reinforce', 'reinforce-baseline' (moving average, the default) or 'nvil' (baseline V(s))
 *   a2c        'nvil': the score function with a learned state-value baseline V(s) (GAE advantages)
 *   relax      'relax': RELAX with a neural c_φ(z, s) on the relaxed action (plus V(s) with cvWithValue)
 *   lax        'lax': LAX with c_φ(a, s) = V(s) + ĉ(a, s) on the action (continuous) or the relaxed z (discrete)
 */
export function agentEstimator(config: Pick<AgentConfig, 'kind' | 'baseline'>): string {
  switch (config.kind) {
    case 'reinforce':
      return config.baseline === 'value' ? 'nvil' : config.baseline === 'moving-average' ? 'reinforce-baseline' : 'reinforce';
    case 'a2c':
      return 'nvil';
    case 'relax':
      return 'relax';
    case 'lax':
      return 'lax';
  }
}

/** What a gym task with this action space offers the estimators. */
export function gymCapabilities(actionSpace: Space<unknown>): ProblemCapabilities {
  return { relaxedF: false, secondF: false, multiSample: false, distribution: actionDistribution(actionSpace) };
}

/** How messages describe a gym task to estimator `name`: the K-sample estimators are told why K samples do not exist there. */
function gymLabel(name: string, envName: string): { name: string; note: string } {
  const multi = ESTIMATORS[name]?.needs.multiSample;
  return { name: envName, note: multi ? 'a gym task: K episodes cannot start from the same state' : 'a gym task' };
}

/**
 * A one-line UserError unless `kind` is an agent that can run on an
 * environment with this action space (`envName` names it in the message).
 * A catalog estimator that is not an agent preset (e.g. 'rebar', 'arm') is
 * refused with the catalog's reason when it cannot work on a gym task.
 */
export function checkAgent(kind: string, actionSpace?: Space<unknown>, envName = 'this environment'): asserts kind is AgentKind {
  const agents = AGENT_KINDS.join(', ');
  if (!(AGENT_KINDS as readonly string[]).includes(kind)) {
    if (kind in ESTIMATORS && actionSpace) checkApplicable(kind, gymCapabilities(actionSpace), gymLabel(kind, envName));
    if (kind in ESTIMATORS) throw new UserError(`'${kind}' is an estimator no agent preset runs (choose an agent from ${agents})`);
    throw new UserError(`unknown agent '${kind}' (choose from ${agents})`);
  }
}

/** checkApplicable for an agent's configuration on an action space: the catalog's one line if it cannot work. */
export function checkAgentApplicable(config: Pick<AgentConfig, 'kind' | 'baseline'>, actionSpace: Space<unknown>, envName = 'this environment'): void {
  const name = agentEstimator(config);
  checkApplicable(name, gymCapabilities(actionSpace), gymLabel(name, envName));
}
