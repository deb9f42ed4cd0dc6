// The agents users import: each is the one loop with its own configuration.
import type { Env, Space } from '../envs/index.js';
import { Box } from '../envs/index.js';
import { PolicyGradientAgent } from './agent.js';
import { agentConfig, checkAgentKind, type AgentConfig, type AgentKind } from './config.js';

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

/** LAX for continuous actions: Gaussian policy, c_φ(a, s) = V(s) + ĉ(a, s) at the action taken. */
export class LaxAgent extends PolicyGradientAgent {
  constructor(observationSpace: Space<unknown>, actionSpace: Space<unknown>, options: Options = {}) {
    super(observationSpace, actionSpace, agentConfig('lax', options, true));
  }
}

export const AGENTS = ['reinforce', 'a2c', 'relax', 'lax'] as const;

/** An agent of the given kind for an environment's spaces. */
export function createAgent(kind: string, env: Env<any, any>, options: Options = {}): PolicyGradientAgent {
  const classes: Record<AgentKind, typeof ReinforceAgent> = { reinforce: ReinforceAgent, a2c: A2CAgent, relax: RelaxAgent, lax: LaxAgent };
  checkAgentKind(kind);
  const Agent = classes[kind];
  return new Agent(env.observationSpace, env.actionSpace, options);
}
