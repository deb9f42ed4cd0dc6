// Per-step cost of a binary-VAE training step (linear one-layer model, batch
// 24) for each estimator: encoder estimate, control-variate update, model
// update. Against the PyTorch 1.13 one-thread references (none for
// nvil, muprop or concrete).
import { tf, currentBackend } from '../src/tf/index.js';
import { BinaryMnist, mnist } from '../envs/vae/mnist.js';
import { VaeTrainer, VAE_ESTIMATORS } from '../experiments/vae/train.js';
import { VAE_DEFAULTS } from '../experiments/vae/run.js';
import type { Table } from './table.js';

const PYTORCH_MS: Record<string, number> = { 'reinforce-baseline': 1.1, rebar: 4.2, relax: 8.8 };

export async function benchVae(options: { steps?: number; warmup?: number } = {}): Promise<Table> {
  const steps = options.steps ?? Number(process.env.RELAX_PG_BENCH_VAE_STEPS ?? 100);
  const warmup = options.warmup ?? 10;
  const data = new BinaryMnist(mnist(), 'fixed', 0);
  const rows: (string | number)[][] = [];
  for (const name of VAE_ESTIMATORS) {
    const trainer = new VaeTrainer({ ...VAE_DEFAULTS, model: 'linear1', batch: 24 }, data, name, 1);
    for (let i = 0; i < warmup; i++) trainer.step();
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) trainer.step();
    const ms = (performance.now() - t0) / steps;
    const leaked = tf.memory().numTensors - before;
    trainer.dispose();
    const ref = PYTORCH_MS[name];
    rows.push([name, ms.toFixed(2), ((ms * 2e6) / 3.6e6).toFixed(1), ref ?? '-', ref ? `${(ms / ref).toFixed(2)}×` : '-', leaked]);
  }
  return {
    title: `Binary VAE training step, linear1 (784–200), batch 24 (${currentBackend()} backend, ${steps} steps after ${warmup} warm-up)`,
    columns: ['estimator', 'ms/step', 'hours for 2 M steps', 'PyTorch ms', 'ratio', 'tensors leaked'],
    rows,
    notes: [
      'PyTorch: 1.13, OpenBLAS, one thread, same computation (from the issue). rebar and relax take the hand-written',
      'linear1 step (experiments/vae/fast.ts); the others the generic autodiff step (muprop: one more decoder pass and',
      'its gradient, for f and f′ at the mean, plus its learned baseline). What limits it on wasm: the model',
      "update alone (tfjs Adam, ~15 elementwise kernels on each of two 784×200 matrices) costs several ms, transcendental",
      'kernels (exp, log, softplus) run at ~10–30 ns an element, an elementwise op on a fresh 784×200 tensor costs',
      '~0.5–1 ms, and matMul re-packs its second operand on every call (weights change every step; fast.ts puts the',
      'small operand second where it can).',
    ],
  };
}
