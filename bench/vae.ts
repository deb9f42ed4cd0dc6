// Per-step cost of a binary-VAE training step (batch 24): every estimator on
// the linear one-layer model, REBAR and RELAX also on the two-layer and the
// nonlinear models (the generic step): encoder estimate, control-variate
// update, model update. Against the PyTorch 1.13 one-thread
// references for linear1 (which exist for reinforce-baseline, rebar and relax only).
import { tf, currentBackend } from '../src/tf/index.js';
import { BinaryMnist, mnist } from '../envs/vae/mnist.js';
import { VaeTrainer, VAE_ESTIMATORS } from '../experiments/vae/train.js';
import { VAE_DEFAULTS } from '../experiments/vae/run.js';
import type { VaeModelName } from '../envs/vae/binaryVae.js';
import type { Table } from './table.js';

const PYTORCH_MS: Record<string, number> = { 'reinforce-baseline': 1.1, rebar: 4.2, relax: 8.8 };

export async function benchVae(options: { steps?: number; warmup?: number } = {}): Promise<Table> {
  const steps = options.steps ?? Number(process.env.RELAX_PG_BENCH_VAE_STEPS ?? 100);
  const warmup = options.warmup ?? 10;
  const data = new BinaryMnist(mnist(), 'fixed', 0);
  const rows: (string | number)[][] = [];
  const cases: [VaeModelName, string][] = [
    ...VAE_ESTIMATORS.map((name): [VaeModelName, string] => ['linear1', name]),
    ...(['linear2', 'nonlinear'] as const).flatMap((model) => ['rebar', 'relax-rebar'].map((name): [VaeModelName, string] => [model, name])),
  ];
  for (const [model, name] of cases) {
    const trainer = new VaeTrainer({ ...VAE_DEFAULTS, model, batch: 24 }, data, name, 1);
    for (let i = 0; i < warmup; i++) trainer.step();
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) trainer.step();
    const ms = (performance.now() - t0) / steps;
    const leaked = tf.memory().numTensors - before;
    trainer.dispose();
    const ref = model === 'linear1' ? PYTORCH_MS[name] : undefined;
    rows.push([model, name, ms.toFixed(2), ((ms * 2e6) / 3.6e6).toFixed(1), ref ?? '-', ref ? `${(ms / ref).toFixed(2)}×` : '-', leaked]);
  }
  return {
    title: `Binary VAE training step, batch 24 (${currentBackend()} backend, ${steps} steps after ${warmup} warm-up)`,
    columns: ['model', 'estimator', 'ms/step', 'hours for 2 M steps', 'PyTorch ms', 'ratio', 'tensors leaked'],
    rows,
    notes: [
      'linear1 784–200, linear2 784–200–200, nonlinear 784–(200 tanh)²–200. PyTorch: 1.13, OpenBLAS, one thread, same',
      'computation, linear1 only (from the issue; measured side by side on this machine: npm run bench -- --peer vae).',
      'rebar and relax on linear1 take the hand-written step',
      '(experiments/vae/fast.ts); everything else the generic autodiff step (muprop: one more decoder pass and',
      'its gradient, for f and f′ at the mean, plus its learned baseline; arm and disarm: one more hard pass). What limits it on wasm: the model',
      "update alone (tfjs Adam, ~15 elementwise kernels on each of two 784×200 matrices) costs several ms, transcendental",
      'kernels (exp, log, softplus) run at ~10–30 ns an element, an elementwise op on a fresh 784×200 tensor costs',
      '~0.5–1 ms, and matMul packs its second operand on every call unless it is the very tensor it packed before',
      '(weights change every step; fast.ts puts the small operand second where it can, the generic step reuses one',
      'weight tensor and one transpose per matrix through BinaryVaeModel.withFixedWeights).',
    ],
  };
}
