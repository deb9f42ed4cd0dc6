// Every agent is one configuration of the policy-gradient loop. The defaults
// are the paper's discrete-task settings (docs/method.md, "Published settings"): 2 × 10 ReLU units,
// orthogonal initialisation, one episode per update, γ = 0.99, entropy 0.01,
// one Adam with β2 = 0.99999.
import type { Activation, Initializer } from '../src/nn/index.js';
import type { Schedule } from './schedule.js';

export type AgentKind = 'reinforce' | 'a2c' | 'relax' | 'lax';
export const AGENT_KINDS: readonly AgentKind[] = ['reinforce', 'a2c', 'relax', 'lax'];

export type BaselineKind = 'none' | 'moving-average' | 'value';

export interface AgentConfig {
  kind: AgentKind;
  seed: number;
  gamma: number;
  /** GAE λ for agents with a value function (1: R_t − V(s_t)). */
  gaeLambda: number;
  /** A number, or an expression of training progress (agents/schedule.ts), e.g. '0.01 * (1 - progress)'. */
  entropyCoef: Schedule;
  optimizer: 'adam' | 'rmsprop';
  /** A number, or an expression of progress; a schedule sets every optimiser's rate (value and CV × cvLrScale) once per update. */
  learningRate: Schedule;
  /**
   * Adapt the policy's learning rate to this KL(π_old ‖ π_new) per update,
   * averaged over the batch's states (0: fixed rate): ÷1.5 above twice the
   * target, ×1.5 below half of it. Not with a learning-rate schedule.
   */
  targetKl: number;
  /** Control-variate / value learning rate = learningRate × this. */
  cvLrScale: number;
  beta2: number;
  hidden: number[];
  activation: Activation;
  init: Initializer;
  initLogStd: number;
  /** REINFORCE's baseline; A2C and LAX always use 'value'. */
  baseline: BaselineKind;
  valueHidden: number[];
  valueActivation: Activation;
  valueUpdates: number;
  /** Control variate c_φ(z, s) (RELAX) or ĉ(a, s) (LAX). */
  cvHidden: number[];
  cvActivation: Activation;
  cvUpdates: number;
  /** RELAX: add V(s) to the control variate (c = V(s) + ĉ(z, s)) and bootstrap truncated episodes. */
  cvWithValue: boolean;
  /** Whole episodes per update, and at least this many steps. */
  episodesPerUpdate: number;
  stepsPerUpdate: number;
  /** Every this many updates, measure the estimator's log-variance (0: never). */
  varianceEvery: number;
  varianceEpisodes: number;
}

export const DEFAULTS: Omit<AgentConfig, 'kind'> = {
  seed: 1,
  gamma: 0.99,
  gaeLambda: 1,
  entropyCoef: 0.01,
  optimizer: 'adam',
  learningRate: 0.01,
  targetKl: 0,
  cvLrScale: 1,
  beta2: 0.99999,
  hidden: [10, 10],
  activation: 'relu',
  init: 'orthogonal',
  initLogStd: 0,
  baseline: 'moving-average',
  valueHidden: [10, 10],
  valueActivation: 'relu',
  valueUpdates: 1,
  cvHidden: [10, 10],
  cvActivation: 'relu',
  cvUpdates: 1,
  cvWithValue: false,
  episodesPerUpdate: 1,
  stepsPerUpdate: 0,
  varianceEvery: 0,
  varianceEpisodes: 10,
};

/**
 * The paper's continuous-task settings (InvertedPendulum): 64-unit nets,
 * batches of ≥ 2,500 steps, value fitted 25 times. One Adam step per batch
 * needs a large rate (0.001 does not solve InvertedPendulum in 4,000
 * episodes), and a fixed 0.01 collapses the policy on some seeds; a
 * KL-adapted rate starting at 0.01 is both fast and stable.
 */
export const CONTINUOUS_DEFAULTS: Partial<AgentConfig> = {
  hidden: [64, 64],
  activation: 'tanh',
  valueHidden: [64, 64],
  valueActivation: 'elu',
  cvHidden: [64, 64],
  cvActivation: 'elu',
  valueUpdates: 25,
  stepsPerUpdate: 2500,
  learningRate: 0.01,
  targetKl: 0.005,
  beta2: 0.999,
  entropyCoef: 0,
  init: 'glorot',
};

export function agentConfig(kind: AgentKind, overrides: Partial<AgentConfig> = {}, continuous = false): AgentConfig {
  const base = { ...DEFAULTS, ...(continuous ? CONTINUOUS_DEFAULTS : {}), kind };
  if (kind === 'a2c' || kind === 'lax') base.baseline = 'value';
  return { ...base, ...overrides, kind };
}
