// The agents users import: each is the one loop with its own configuration.
import type { Env, Space } from '../envs/index.js';
import { Box } from '../envs/index.js';
import { PolicyGradientAgent } from './agent.js';
import { agentConfig, type AgentConfig, type AgentKind } from './config.js';
import { checkAgent, checkAgentApplicable } from './applicable.js';

type Options = Partial<Omit<AgentConfig, 'kind'>>;

const isContinuous = (space: Space<unknown>) => space instanceof Box;

/** REINFORCE, with no baseline, a moving average (default) or a learned state value. */
export class ReinforceAgent extends PolicyGradientAgent {
  constructor(observationSpace: Space<unknown>, actionSpace: Space<unknown>, options: Options = {}) {
    super(observationSpace, actionSpace, agentConfig('reinforce', options, isContinuous(actionSpace)));
  }
}

/** Advantage actor-critic: V(s) fitted by squared error, advantage R_t − V(s_t) (GAE λ as an option). */
export class A2CAgent extends PolicyGradientAgent {
  constructor(observationSpace: Space<unknown>, actionSpace: Space<unknown>, options: Options = {}) {
    super(observationSpace, actionSpace, agentConfig('a2c', options, isContinuous(actionSpace)));
  }
}

/** RELAX for discrete actions: c_φ(z, s) trained to minimise the policy gradient's variance. */
export class RelaxAgent extends PolicyGradientAgent {
  constructor(observationSpace: Space<unknown>, actionSpace: Space<unknown>, options: Options = {}) {
    super(observationSpace, actionSpace, agentConfig('relax', options, false));
  }
}

/**
 * LAX (the catalog's 'lax'): c_φ(x, s) = V(s) + ĉ(x, s), x the action taken
 * (continuous actions, a Gaussian policy) or the relaxed z (discrete actions).
 * The continuous-task settings (CONTINUOUS_DEFAULTS) either way.
 */
export class LaxAgent extends PolicyGradientAgent {
  constructor(observationSpace: Space<unknown>, actionSpace: Space<unknown>, options: Options = {}) {
    super(observationSpace, actionSpace, agentConfig('lax', options, true));
  }
}

export const AGENTS = ['reinforce', 'a2c', 'relax', 'lax'] as const;

/**
 * An agent of the given kind for an environment's spaces. A kind the
 * environment cannot serve (e.g. 'relax' on Box actions, or a catalog
 * estimator such as 'rebar' or 'arm' that needs what a gym task lacks) is
 * refused with the catalog's one line, naming the environment.
 */
export function createAgent(kind: string, env: Env<any, any>, options: Options = {}): PolicyGradientAgent {
  const classes: Record<AgentKind, typeof ReinforceAgent> = { reinforce: ReinforceAgent, a2c: A2CAgent, relax: RelaxAgent, lax: LaxAgent };
  const envName = env.spec?.id ?? 'this environment';
  checkAgent(kind, env.actionSpace, envName);
  checkAgentApplicable(agentConfig(kind, options), env.actionSpace, envName);
  const Agent = classes[kind];
  return new Agent(env.observationSpace, env.actionSpace, options);
}
