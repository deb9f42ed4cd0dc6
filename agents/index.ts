// relax-pg/agents: policy-gradient agents on one loop.
export { PolicyGradientAgent, type EpisodeStats, type UpdateInfo, type LearnBudget, type LearnCallbacks, type ActOptions, type EvaluationRecord } from './agent.js';
export { CheckpointCallback, type TrainingCallback, type CallbackContext } from './callbacks.js';
export { EvalCallback, StopOnRewardThreshold, StopOnNoImprovement, type EvalOptions, type EvalChild, type EvalState } from './evalCallback.js';
export { ProgressCsv, PROGRESS_COLUMNS } from './progressCsv.js';
export { compileSchedule, scheduleOf, type Schedule, type ScheduleFn } from './schedule.js';
export { withObservationStats, findNormalizeObservation, type ObservationStats } from './normalization.js';
export { ReinforceAgent, A2CAgent, RelaxAgent, LaxAgent, createAgent, AGENTS } from './agents.js';
export { agentConfig, DEFAULTS, CONTINUOUS_DEFAULTS, type AgentConfig, type AgentKind, type BaselineKind } from './config.js';
export { saveAgent, loadAgent, type SavedAgent } from './io.js';
export { Policy, actionDistribution, type ActionSample, type ActionKind } from './policy.js';
export { agentEstimator, gymCapabilities, checkAgentApplicable } from './applicable.js';
export { discountedReturns, gae } from './returns.js';
export { collect, type Rollout } from './rollout.js';
export { setFusedUpdates, fusedApplies } from './fusedUpdate.js';
export { learn, resumeLearner, saveLearner, position, type Learner, type LearnOptions, type Counters, type MetricRow, type Unit } from './learn.js';
export { OneStepLearner, ONE_STEP_DEFAULTS, type OneStepConfig } from './oneStep.js';
export { oneStepEstimator, oneStepCapabilities, type OneStepEstimator, type OneStepEstimatorOptions, type OneStepSample } from './oneStepEstimator.js';
