// FusedAdam (one kernel per step) against tfjs's Adam: the same bits over 60
// steps on variables of several shapes (scalar to 784×200) and β settings, on
// wasm and cpu; one kernel a step; checkpoints carry its moments and β powers
// exactly, and interchange with tfjs's Adam.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { tf, makeVariable, initBackend, currentBackend } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { FusedAdam, makeOptimizer, saveCheckpoint, loadCheckpoint } from '../../src/nn/index.js';
import { adamKernelLimit, setAdamKernelMode, type AdamKernelMode } from '../../src/tf/adamKernel.js';
import { tempDir } from '../helpers.js';

const SHAPES: number[][] = [[], [1], [7], [5, 3], [784, 200]];
let id = 0;

function variables(): tf.Variable[] {
  const r = new Rng('adam-init');
  return SHAPES.map((s) => makeVariable(() => tf.tensor(r.normals(s.reduce((a, b) => a * b, 1)), s), true, `adamTest${id++}`));
}

/** Steps from..from+n−1 of gradients drawn from `rng` (varied scales, some exact zeros: v̂ = 0 exercises ε). */
function run(opt: tf.Optimizer, vars: tf.Variable[], rng: Rng, n: number, from = 0): void {
  for (let t = from; t < from + n; t++) {
    tf.tidy(() => {
      const grads: tf.NamedTensorMap = {};
      vars.forEach((v, i) => {
        const scale = 10 ** (((t + i) % 7) - 3);
        const g = Float32Array.from(rng.normals(v.size), (x, j) => (j % 11 === 0 ? 0 : x * scale));
        grads[v.name] = tf.tensor(g, v.shape);
      });
      opt.applyGradients(grads);
    });
  }
}

const bits = (vars: tf.Variable[]) => vars.flatMap((v) => Array.from(new Uint32Array(v.dataSync().slice().buffer)));
/** How many entries differ in their bits (a count, so a failure does not print 156,000 numbers). */
function differing(a: tf.Variable[], b: tf.Variable[]): number {
  const [x, y] = [bits(a), bits(b)];
  return x.length === y.length ? x.filter((v, i) => v !== y[i]).length : -1;
}

describe.each(['wasm', 'cpu'])('FusedAdam on %s', (backend) => {
  const before = currentBackend();
  beforeAll(async () => {
    await initBackend(backend);
  });
  afterAll(async () => {
    await initBackend(before);
  });

  // auto: SIMD on wasm, on cpu the JavaScript loop for small variables and tfjs's ops for large ones;
  // js: the JavaScript loop for all; ops: tfjs's ops for all.
  const cases: [number, number, number, AdamKernelMode][] = [[0.9, 0.999, 1e-3, 'auto'], [0.9, 0.99999, 3e-3, 'auto'], [0.5, 0.9, 0.1, 'auto'], [0.9, 0.99999, 3e-3, 'js'], [0.9, 0.999, 1e-3, 'ops']];
  for (const [beta1, beta2, lr, mode] of cases) {
    it(`equals tf.train.adam bit for bit over 60 steps (β1 ${beta1}, β2 ${beta2}, lr ${lr}, ${mode})`, async () => {
      const saved = setAdamKernelMode(mode);
      const a = variables();
      const b = variables();
      const stock = tf.train.adam(lr, beta1, beta2, 1e-8);
      const fused = new FusedAdam(lr, beta1, beta2, 1e-8);
      expect(fused.getClassName()).toBe(stock.getClassName());
      run(stock, a, new Rng('adam-grads'), 60);
      run(fused, b, new Rng('adam-grads'), 60);
      setAdamKernelMode(saved);
      expect(differing(b, a)).toBe(0);
      // The moments and the iteration count, as getWeights lays them out.
      const [ws, wf] = [await stock.getWeights(), await fused.getWeights()];
      expect(wf.map((w) => w.tensor.shape)).toEqual(ws.map((w) => w.tensor.shape));
      wf.forEach((w, i) => expect(Array.from(w.tensor.dataSync())).toEqual(Array.from(ws[i].tensor.dataSync())));
      tf.dispose([ws[0].tensor, wf[0].tensor, ...a, ...b]);
      stock.dispose();
      fused.dispose();
    });
  }

  it('minimize and a learning-rate change work as with tfjs, and nothing leaks', () => {
    const [a, b] = [variables(), variables()];
    const [stock, fused] = [tf.train.adam(0.01, 0.9, 0.999, 1e-8), makeOptimizer({ kind: 'adam', learningRate: 0.01 })];
    expect(fused).toBeInstanceOf(FusedAdam);
    const loss = (vs: tf.Variable[]) => () => tf.addN(vs.map((v) => tf.sum(tf.square(tf.sub(tf.sin(v), 0.3))))) as tf.Scalar;
    stock.minimize(loss(a));
    fused.minimize(loss(b));
    const count = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      stock.minimize(loss(a), false, a);
      fused.minimize(loss(b), false, b);
      (stock as unknown as { learningRate: number }).learningRate *= 0.7;
      (fused as unknown as { learningRate: number }).learningRate *= 0.7;
    }
    expect(tf.memory().numTensors).toBe(count);
    expect(differing(b, a)).toBe(0);
    tf.dispose([...a, ...b]);
    stock.dispose();
    fused.dispose();
  });
});

describe('FusedAdam', () => {
  it('runs one kernel per step for all variables it takes (on wasm with SIMD, all)', async () => {
    const vars = variables().filter((v) => v.size < adamKernelLimit());
    if (currentBackend() === 'wasm') expect(vars.length).toBe(SHAPES.length);
    const opt = new FusedAdam(1e-3, 0.9, 0.999);
    const grads = Object.fromEntries(vars.map((v) => [v.name, tf.onesLike(v)]));
    opt.applyGradients(grads); // the first step also makes the moments (zerosLike)
    const info = await tf.profile(() => opt.applyGradients(grads));
    expect(info.kernels.map((k) => k.name)).toEqual(['RelaxPgAdam']);
    tf.dispose([...vars, ...Object.values(grads)]);
    opt.dispose();
  });

  it('refuses gradients that do not fit the moments it holds at their position', () => {
    const [v, w] = [makeVariable(() => tf.zeros([3]), true, `adamTest${id++}`), makeVariable(() => tf.zeros([4]), true, `adamTest${id++}`)];
    const opt = new FusedAdam(1e-3, 0.9, 0.999);
    tf.tidy(() => opt.applyGradients({ [v.name]: tf.ones([3]) }));
    expect(() => tf.tidy(() => opt.applyGradients({ [w.name]: tf.ones([4]) }))).toThrow(/moment 0/);
    tf.dispose([v, w]);
    opt.dispose();
  });

  for (const [saver, loader] of [['fused', 'fused'], ['stock', 'fused'], ['fused', 'stock']] as const) {
    it(`a checkpoint of ${saver} Adam loaded into ${loader} Adam continues bit for bit`, async () => {
      const make = (kind: string) => (kind === 'fused' ? new FusedAdam(3e-3, 0.97, 0.99999) : tf.train.adam(3e-3, 0.97, 0.99999, 1e-8));
      const [a, b, c] = [variables(), variables(), variables()];
      const named = (vs: tf.Variable[]) => Object.fromEntries(vs.map((v, i) => [`v${i}`, v]));
      const [oa, ob, oc] = [make(saver), make(loader), make(saver)];
      const rng = new Rng('adam-ckpt');
      run(oa, a, rng, 37);
      const dir = tempDir('relax-pg-adam-');
      await saveCheckpoint(dir, { variables: named(a), optimizers: { opt: oa }, rngs: { rng } }, null);
      const rngB = new Rng('other');
      await loadCheckpoint(dir, { variables: named(b), optimizers: { opt: ob }, rngs: { rng: rngB } });
      run(ob, b, rngB, 23, 37);
      run(oc, c, new Rng('adam-ckpt'), 60);
      expect(differing(b, c)).toBe(0);
      if (ob instanceof FusedAdam && oc instanceof FusedAdam) expect(ob.getBetaPowers()).toEqual(oc.getBetaPowers());
      tf.dispose([...a, ...b, ...c]);
      [oa, ob, oc].forEach((o) => o.dispose());
    });
  }
});
