// Saving and loading agents. A saved agent is a folder:
//   agent.json         the checkpoint (src/nn/checkpoint.ts) whose state is the
//                      agent's description (kind, config, spaces, versions) and
//                      its training state (counters, baseline, the env's random
//                      stream, history, callback states, NormalizeObservation's
//                      statistics), so `--resume` continues exactly, and — for
//                      an eval callback's best — how it was evaluated
//   agent-<g>.bin      every network's weights and every optimiser's full state
//   model/             the policy network as a tfjs LayersModel (model.json +
//                      weights.bin) for tf.loadLayersModel in any tfjs program
// agent.json is written last and atomically; it names the generation g of
// the weights it uses, so a crash mid-save leaves the previous save intact.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../src/tf/index.js';
import { saveCheckpoint, loadCheckpoint, readCheckpointState, removeStaleTemps } from '../src/nn/index.js';
import { readJson, writeJsonAtomic, writeFileAtomic, versions } from '../src/report/index.js';
import { UserError } from '../src/errors.js';
import { Box, spaceFromJSON, spacesEqual, type Space } from '../envs/index.js';
import { PolicyGradientAgent, type EvaluationRecord, type TrainingState } from './agent.js';
import type { AgentConfig } from './config.js';

const FORMAT = 'relax-pg-agent';

export interface SavedAgent {
  format: typeof FORMAT;
  formatVersion: 2;
  kind: AgentConfig['kind'];
  config: AgentConfig;
  /** Environment id the agent learned on, when known. */
  env?: string;
  observationSpace: Record<string, unknown>;
  actionSpace: Record<string, unknown>;
  training: TrainingState;
  /** Set when saved as an evaluation's best: `relax-pg evaluate` repeats this evaluation by default. */
  evaluation?: EvaluationRecord;
  versions: ReturnType<typeof versions>;
  savedAt: string;
}

/** The policy network as a Keras-style Sequential LayersModel. */
async function exportLayersModel(agent: PolicyGradientAgent, dir: string): Promise<void> {
  const { policy } = agent;
  const sizes = policy.net.config.sizes;
  const model = tf.sequential();
  for (let l = 1; l < sizes.length; l++) {
    model.add(
      tf.layers.dense({
        units: sizes[l],
        inputShape: l === 1 ? [sizes[0]] : undefined,
        activation: l + 1 === sizes.length ? 'linear' : policy.net.config.activation,
        name: `dense_${l - 1}`,
      }),
    );
  }
  model.setWeights(policy.net.variables);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
      writeJsonAtomic(join(dir, 'model.json'), {
        format: 'layers-model',
        generatedBy: `relax-pg ${versions().relaxPg}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        userDefinedMetadata: {
          relaxPg: { kind: agent.config.kind, action: policy.kind, outputs: policy.distribution.kind === 'continuous' ? 'mean' : 'logits' },
        },
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
}

export async function saveAgent(agent: PolicyGradientAgent, dir: string, options: { evaluation?: EvaluationRecord } = {}): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await exportLayersModel(agent, join(dir, 'model'));
  const saved: SavedAgent = {
    format: FORMAT,
    formatVersion: 2,
    kind: agent.config.kind,
    config: agent.config,
    env: agent.envId,
    observationSpace: agent.observationSpace.toJSON(),
    actionSpace: agent.actionSpace.toJSON(),
    training: agent.checkpointState(),
    evaluation: options.evaluation,
    versions: versions(),
    savedAt: new Date().toISOString(),
  };
  await saveCheckpoint(dir, agent.checkpointParts(), saved, { name: 'agent' });
}

export async function loadAgent(dir: string): Promise<PolicyGradientAgent> {
  const file = join(dir, 'agent.json');
  if (!existsSync(file)) throw new UserError(`no saved agent in ${dir} (agent.json is missing)`);
  const raw = readJson<{ format?: string; formatVersion?: number }>(file);
  if (raw?.format === FORMAT) throw new UserError(`${file} was saved by an older relax-pg (agent format ${raw.formatVersion}); this one reads format 2`);
  let saved: SavedAgent;
  try {
    saved = readCheckpointState<SavedAgent>(dir, { name: 'agent' });
  } catch {
    throw new UserError(`${file} is not a relax-pg agent`);
  }
  if (saved?.format !== FORMAT) throw new UserError(`${file} is not a relax-pg agent`);
  let agent: PolicyGradientAgent;
  try {
    agent = new PolicyGradientAgent(spaceFromJSON(saved.observationSpace), spaceFromJSON(saved.actionSpace), saved.config);
  } catch (e) {
    throw e instanceof UserError ? e : new UserError(`${file} is corrupt: ${(e as Error).message}`);
  }
  removeStaleTemps(dir, 'agent');
  await loadCheckpoint(dir, agent.checkpointParts(), { name: 'agent' });
  agent.envId = saved.env;
  agent.evaluation = saved.evaluation;
  agent.restoreState(saved.training);
  return agent;
}

/**
 * A one-line UserError unless `env` has the observation and action spaces
 * the agent was made for: a policy run on another env's observations acts on
 * meaningless inputs (or indexes past them) without failing.
 */
export function checkAgentFits(agent: PolicyGradientAgent, env: { observationSpace: Space<unknown>; actionSpace: Space<unknown> }, envName: string, where = 'the agent'): void {
  const pairs = [
    ['observation', agent.observationSpace, env.observationSpace],
    ['action', agent.actionSpace, env.actionSpace],
  ] as const;
  for (const [what, mine, theirs] of pairs) {
    if (spacesEqual(mine, theirs)) continue;
    // Shape first (shorter); the full spaces when only the bounds differ.
    const short = (s: Space<unknown>) => (s instanceof Box ? `Box of shape [${s.shape.join(', ')}]` : s.toString());
    const [a, b] = short(mine) === short(theirs) ? [mine.toString(), theirs.toString()] : [short(mine), short(theirs)];
    const from = agent.envId ? ` (trained on ${agent.envId})` : '';
    throw new UserError(`${where}${from} takes ${what}s ${a}, but ${envName} has ${b}`);
  }
}
