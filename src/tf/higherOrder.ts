// Correct higher-order gradients for stock tfjs 4.22.
//
// Several kernels' gradients read the kernel's saved OUTPUT (sigmoid, tanh,
// exp, softmax, elu, pow). When such a gradient is itself differentiated
// (∂φ of a squared gradient, as every learned control variate needs), tfjs
// silently returns wrong numbers (upstream tensorflow/tfjs#3252). We
// re-register those gradients so they recompute from the saved INPUT, and
// give comparison / logical kernels zero gradients so masks built from them
// (leakyRelu, clipByValue, max/min, where(greater(...))) can be
// differentiated twice. First-order results are unchanged.
import * as tf from '@tensorflow/tfjs';

type GradConfig = tf.GradConfig;
type Tensor = tf.Tensor;

/** Sum `g` over the axes that broadcasting added or stretched, so it has `shape`. */
function reduceTo(g: Tensor, shape: number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return tf.reshape(axes.length ? tf.sum(g, axes) : g, shape);
}

/** Swap the last two axes (BatchMatMul's inputs may be rank 2 or 3). */
function swapLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return tf.transpose(x, perm);
}

const fixes: GradConfig[] = [
  {
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => {
        const s = tf.sigmoid(x);
        return tf.mul(dy as Tensor, tf.mul(s, tf.sub(1, s)));
      },
    }),
  },
  {
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as Tensor, tf.sub(1, tf.square(tf.tanh(x)))) }),
  },
  {
    kernelName: 'Exp',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as Tensor, tf.exp(x)) }),
  },
  {
    kernelName: 'Softmax',
    inputsToSave: ['logits'],
    gradFunc: (dy, [logits], attrs) => ({
      logits: () => {
        const dim = (attrs as { dim: number }).dim;
        const y = tf.softmax(logits, dim);
        const dyY = tf.mul(dy as Tensor, y);
        return tf.sub(dyY, tf.mul(tf.sum(dyY, dim, true), y));
      },
    }),
  },
  {
    // elu'(x) = 1 for x > 0 and exp(x) otherwise, i.e. exp(min(x, 0)).
    kernelName: 'Elu',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as Tensor, tf.exp(tf.minimum(x, 0))) }),
  },
  {
    kernelName: 'Pow',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceTo(tf.mul(dy as Tensor, tf.mul(b, tf.pow(a, tf.sub(b, 1)))), a.shape),
      b: () => {
        // d/db a^b = a^b log a, taken as 0 where a ≤ 0 (as tfjs does).
        const positive = tf.greater(a, 0);
        const logA = tf.where(positive, tf.log(tf.where(positive, a, tf.onesLike(a))), tf.zerosLike(a));
        return reduceTo(tf.mul(dy as Tensor, tf.mul(tf.pow(a, b), logA)), b.shape);
      },
    }),
  },
  {
    // Same maths as tfjs's, but with explicit transposes: the wasm backend's
    // transposed matMul runs ~10× slower than the plain one.
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => {
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const d = dy as Tensor;
      const mm = (x: Tensor, y: Tensor) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D);
      const t = swapLast;
      const [A, B] = [a, b];
      if (!transposeA && !transposeB) return { a: () => mm(d, t(B)), b: () => mm(t(A), d) };
      if (!transposeA && transposeB) return { a: () => mm(d, B), b: () => mm(t(d), A) };
      if (transposeA && !transposeB) return { a: () => mm(B, t(d)), b: () => mm(A, d) };
      return { a: () => mm(t(B), t(d)), b: () => mm(t(d), t(A)) };
    },
  },
];

// Kernels whose outputs are piecewise constant in their inputs.
const zeroGradKernels: [string, string[]][] = [
  ['Greater', ['a', 'b']],
  ['GreaterEqual', ['a', 'b']],
  ['Less', ['a', 'b']],
  ['LessEqual', ['a', 'b']],
  ['Equal', ['a', 'b']],
  ['NotEqual', ['a', 'b']],
  ['LogicalAnd', ['a', 'b']],
  ['LogicalOr', ['a', 'b']],
  ['LogicalNot', ['x']],
];
for (const [kernelName, inputs] of zeroGradKernels) {
  fixes.push({
    kernelName,
    inputsToSave: inputs,
    gradFunc: (_dy, saved) =>
      Object.fromEntries(inputs.map((name, i) => [name, () => tf.zeros(saved[i].shape)])),
  });
}

const stock = new Map<string, GradConfig | undefined>();
let installed = false;

/** Install the corrected gradients (idempotent; done at import of `src/tf`). */
export function installHigherOrderGradients(): void {
  if (installed) return;
  for (const fix of fixes) {
    if (!stock.has(fix.kernelName)) stock.set(fix.kernelName, tf.getGradient(fix.kernelName));
    tf.registerGradient(fix);
  }
  installed = true;
}

/** Put tfjs's own gradients back. For tests that show the fix is needed; never in library code. */
export function restoreStockGradients(): void {
  for (const [kernelName, config] of stock) {
    tf.unregisterGradient(kernelName);
    if (config) tf.registerGradient(config);
  }
  installed = false;
}

export function higherOrderGradientsInstalled(): boolean {
  return installed;
}

/** The kernels whose gradients we replace (for documentation and tests). */
export const patchedKernels = fixes.map((f) => f.kernelName);
