// Saving and loading agents. A saved agent is a folder:
//   agent.json         kind, config, spaces, counters, random-stream states,
//                      versions, and the manifests of the files below
//   weights-<g>.bin    every network's weights (TensorFlow.js weights format)
//   optim-<g>-*.bin    optimiser state, so training resumes where it stopped
//   model/             the policy network as a tfjs LayersModel (model.json +
//                      weights.bin) for tf.loadLayersModel in any tfjs program
// agent.json is written last and atomically; it names the generation g of
// the files it uses, so a crash mid-save leaves the previous save intact.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../src/tf/index.js';
import { Rng } from '../src/random/index.js';
import { saveWeights, loadWeights, assignWeights, getLearningRate, setLearningRate, type WeightsManifestGroup } from '../src/nn/index.js';
import { readJson, writeJsonAtomic, writeFileAtomic, versions } from '../src/report/index.js';
import { UserError } from '../src/errors.js';
import { spaceFromJSON } from '../envs/index.js';
import { PolicyGradientAgent, type EpisodeStats } from './agent.js';
import type { AgentConfig } from './config.js';

const FORMAT = 'relax-pg-agent';

interface SavedOptimizer {
  manifest: WeightsManifestGroup[];
  count: number;
}

export interface SavedAgent {
  format: typeof FORMAT;
  formatVersion: 1;
  kind: AgentConfig['kind'];
  config: AgentConfig;
  /** Environment id the agent learned on, when known. */
  env?: string;
  observationSpace: Record<string, unknown>;
  actionSpace: Record<string, unknown>;
  counters: PolicyGradientAgent['counters'];
  rngs: { act: object; update: object };
  baseline?: number;
  /** The policy's current learning rate (it adapts when config.targetKl > 0). */
  policyLearningRate?: number;
  weights: WeightsManifestGroup[];
  optimizers: Record<string, SavedOptimizer>;
  history: EpisodeStats[];
  varianceHistory: PolicyGradientAgent['varianceHistory'];
  versions: ReturnType<typeof versions>;
  savedAt: string;
}

function optimizers(agent: PolicyGradientAgent): Record<string, tf.Optimizer> {
  const out: Record<string, tf.Optimizer> = { policy: agent.policyOpt };
  if (agent.valueOpt) out.value = agent.valueOpt;
  if (agent.cvOpt) out.cv = agent.cvOpt;
  return out;
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
          relaxPg: { kind: agent.config.kind, action: policy.kind, outputs: policy.kind === 'gaussian' ? 'mean' : 'logits' },
        },
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
}

export async function saveAgent(agent: PolicyGradientAgent, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const generation = `${agent.counters.updates}-${Date.now().toString(36)}`;
  const weights = await saveWeights(dir, agent.namedVariables(), `weights-${generation}.bin`);
  const savedOptimizers: Record<string, SavedOptimizer> = {};
  for (const [name, opt] of Object.entries(optimizers(agent))) {
    const state = await opt.getWeights();
    const named = Object.fromEntries(state.map((w, i) => [`${i}`, w.tensor]));
    savedOptimizers[name] = { manifest: await saveWeights(dir, named, `optim-${generation}-${name}.bin`), count: state.length };
  }
  await exportLayersModel(agent, join(dir, 'model'));
  const saved: SavedAgent = {
    format: FORMAT,
    formatVersion: 1,
    kind: agent.config.kind,
    config: agent.config,
    env: agent.envId,
    observationSpace: agent.observationSpace.toJSON(),
    actionSpace: agent.actionSpace.toJSON(),
    counters: agent.counters,
    rngs: { act: agent.rngs.act.state(), update: agent.rngs.update.state() },
    baseline: agent.baseline?.value,
    policyLearningRate: getLearningRate(agent.policyOpt),
    weights,
    optimizers: savedOptimizers,
    history: agent.history,
    varianceHistory: agent.varianceHistory,
    versions: versions(),
    savedAt: new Date().toISOString(),
  };
  writeJsonAtomic(join(dir, 'agent.json'), saved);
  // Only now is the previous generation unreferenced.
  for (const f of readdirSync(dir)) {
    if (/^(weights|optim)-.*\.bin$/.test(f) && !f.includes(generation)) rmSync(join(dir, f), { force: true });
  }
}

export async function loadAgent(dir: string): Promise<PolicyGradientAgent> {
  const file = join(dir, 'agent.json');
  if (!existsSync(file)) throw new UserError(`no saved agent in ${dir} (agent.json is missing)`);
  const saved = readJson<SavedAgent>(file);
  if (saved?.format !== FORMAT) throw new UserError(`${file} is not a relax-pg agent`);
  if (saved.formatVersion !== 1) throw new UserError(`${file} has format version ${saved.formatVersion}; this relax-pg reads version 1`);
  let agent: PolicyGradientAgent;
  try {
    agent = new PolicyGradientAgent(spaceFromJSON(saved.observationSpace), spaceFromJSON(saved.actionSpace), saved.config);
  } catch (e) {
    throw e instanceof UserError ? e : new UserError(`${file} is corrupt: ${(e as Error).message}`);
  }
  assignWeights(agent.namedVariables(), loadWeights(dir, saved.weights));
  for (const [name, opt] of Object.entries(optimizers(agent))) {
    const s = saved.optimizers[name];
    if (!s) continue;
    const values = loadWeights(dir, s.manifest);
    const state = Array.from({ length: s.count }, (_, i) => ({ name: `${i}`, tensor: values[`${i}`] }));
    await opt.setWeights(state);
  }
  agent.counters = { ...saved.counters };
  agent.envId = saved.env;
  agent.rngs = { act: Rng.fromState(saved.rngs.act as never), update: Rng.fromState(saved.rngs.update as never) };
  if (agent.baseline && saved.baseline !== undefined) agent.baseline.restore(saved.baseline);
  if (saved.policyLearningRate !== undefined) setLearningRate(agent.policyOpt, saved.policyLearningRate);
  agent.history = saved.history ?? [];
  agent.varianceHistory = saved.varianceHistory ?? [];
  agent.policy.refresh();
  return agent;
}
