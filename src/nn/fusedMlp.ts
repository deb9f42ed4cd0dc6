// An Mlp (mlp.ts) on plain typed arrays: the forward pass over a batch of
// rows, the reverse pass (parameter and input gradients), the forward-mode
// derivative along a direction in parameter space, and the reverse pass of
// a forward-plus-tangent pass, which is what a second-order objective such
// as ∂φ of ⟨w, ∂θ c_φ⟩ needs. For the agents' networks (a few hundred
// weights) a loop in JavaScript costs less than one tfjs kernel call
// (~6–8 µs on wasm, docs/design.md), so a whole update costs less than
// the tape's dozens of kernels. Everything is float64 (the weights are the
// float32 values the tf variables hold); the loops are in fusedKernels.ts.
// Inside arenaScope (fusedArena.ts, as the fused update runs) the arrays
// live in a WebAssembly memory and the loops run as SIMD, with the same bits.
import { tf } from '../tf/index.js';
import type { Activation, Mlp } from './mlp.js';
import { accumulate, affine, backAffine, toColumns, toRows } from './fusedKernels.js';
import { alloc, allocCopy, allocRaw, inArena } from './fusedArena.js';
import { simdKernels } from './fusedSimd.js';
import { FusedAdam } from './adam.js';

/** An Mlp's weights as arrays: w[l] is [sizes[l], sizes[l+1]] row-major, h = a·w + b. */
export interface Layers {
  sizes: number[];
  activation: Activation;
  w: Float64Array[];
  b: Float64Array[];
}

/** A forward pass (arrays feature-major, fusedKernels.ts): a[l] is layer l's input (a[0] the rows given), h[l] its pre-activation, s1[l] = σ′(h[l]); h[L−1] is the output. */
export interface Pass {
  rows: number;
  a: Float64Array[];
  h: Float64Array[];
  s1: Float64Array[];
  /** The output row-major, once asked for. */
  out?: Float64Array;
}

export interface Gradients {
  w: Float64Array[];
  b: Float64Array[];
}

/** The activations fused here (their first and second derivatives are below). */
export const FUSED_ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'elu', 'sigmoid', 'linear'];

/** The current weights of an Mlp (one read per variable, no kernel). */
export function readLayers(net: Mlp): Layers {
  return {
    sizes: net.config.sizes,
    activation: net.config.activation,
    // float64 copies: the loops below then see one array type (monomorphic, several times faster).
    w: net.weights.map((v) => allocCopy(v.dataSync() as Float32Array)),
    b: net.biases.map((v) => allocCopy(v.dataSync() as Float32Array)),
  };
}

/** a = σ(h) and σ′(h) into `a` and `s1` (one switch per layer, not per element). relu′(0) = 0, as tfjs's step. */
function activateInto(kind: Activation, h: Float64Array, a: Float64Array, s1: Float64Array): void {
  const n = h.length;
  const k = simdKernels();
  if (kind === 'relu' && k && inArena(h) && inArena(a) && inArena(s1)) return k.relu(h.byteOffset, a.byteOffset, s1.byteOffset, n);
  switch (kind) {
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const t = Math.tanh(h[i]);
        a[i] = t;
        s1[i] = 1 - t * t;
      }
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const pos = h[i] > 0;
        a[i] = pos ? h[i] : 0;
        s1[i] = pos ? 1 : 0;
      }
      return;
    case 'elu':
      for (let i = 0; i < n; i++) {
        const pos = h[i] > 0;
        a[i] = pos ? h[i] : Math.expm1(h[i]);
        s1[i] = pos ? 1 : a[i] + 1;
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const y = 1 / (1 + Math.exp(-h[i]));
        a[i] = y;
        s1[i] = y * (1 - y);
      }
      return;
    case 'linear':
      a.set(h);
      s1.fill(1);
      return;
  }
}

/** out[i] = a[i] · b[i] (out may be a or b). */
function multiply(out: Float64Array, a: Float64Array, b: Float64Array): void {
  const k = simdKernels();
  if (k && inArena(out) && inArena(a) && inArena(b)) return k.mul(out.byteOffset, a.byteOffset, b.byteOffset, out.length);
  for (let i = 0; i < out.length; i++) out[i] = a[i] * b[i];
}

/** σ″(h), given a = σ(h). */
function d2(kind: Activation, h: number, a: number): number {
  switch (kind) {
    case 'tanh':
      return -2 * a * (1 - a * a);
    case 'relu':
    case 'linear':
      return 0;
    case 'elu':
      return h > 0 ? 0 : a + 1;
    case 'sigmoid':
      return a * (1 - a) * (1 - 2 * a);
  }
}

// Inside a pass arrays are feature-major (fusedKernels.ts); the functions
// below take and return row-major [rows, width] arrays.

export function zeroGradients(net: Layers): Gradients {
  return { w: net.w.map((w) => alloc(w.length)), b: net.b.map((b) => alloc(b.length)) };
}

/** The network on `rows` inputs x (row-major [rows, sizes[0]]). */
export function forward(net: Layers, x: ArrayLike<number>, rows: number): Pass {
  const { sizes, activation } = net;
  const L = net.w.length;
  const a: Float64Array[] = [toColumns(x, rows, sizes[0])];
  const h: Float64Array[] = [];
  const s1: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const hl = affine(a[l], rows, net.w[l], sizes[l], sizes[l + 1], net.b[l]);
    h.push(hl);
    if (l + 1 < L) {
      const al = allocRaw(hl.length);
      const sl = allocRaw(hl.length);
      activateInto(activation, hl, al, sl);
      a.push(al);
      s1.push(sl);
    }
  }
  return { rows, a, h, s1 };
}

/** The output, row-major [rows, out] (kept on the pass). */
export function output(p: Pass): Float64Array {
  const last = p.h[p.h.length - 1];
  return (p.out ??= toRows(last, p.rows, last.length / p.rows));
}

/**
 * Reverse pass from output adjoints g (row-major) into `into` (accumulated);
 * returns the input adjoints, row-major (if `wantInput`; those of columns
 * before `inputFrom` are left 0).
 */
export function backward(net: Layers, p: Pass, g: ArrayLike<number>, into?: Gradients, wantInput = true, inputFrom = 0): Float64Array {
  const { sizes } = net;
  const L = net.w.length;
  let gl = toColumns(g, p.rows, sizes[L]);
  for (let l = L - 1; l >= 0; l--) {
    if (into) accumulate(into.w[l], into.b[l], p.a[l], gl, p.rows, sizes[l], sizes[l + 1]);
    if (l === 0 && !wantInput) return gl;
    const back = backAffine(gl, p.rows, net.w[l], sizes[l], sizes[l + 1], l === 0 ? inputFrom : 0);
    if (l > 0) {
      multiply(back, back, p.s1[l - 1]);
    }
    gl = back;
  }
  return toRows(gl, p.rows, sizes[0]);
}

/** Forward-mode derivative of the output along the parameter direction d (the input held fixed): row-major [rows, out]. */
export function parameterTangent(net: Layers, p: Pass, d: Gradients): Float64Array {
  const { sizes } = net;
  let t: Float64Array | undefined;
  for (let l = 0; l < net.w.length; l++) {
    const ht = affine(p.a[l], p.rows, d.w[l], sizes[l], sizes[l + 1], d.b[l]);
    if (t) {
      const more = affine(t, p.rows, net.w[l], sizes[l], sizes[l + 1]);
      for (let i = 0; i < ht.length; i++) ht[i] += more[i];
    }
    if (l + 1 === net.w.length) return toRows(ht, p.rows, sizes[l + 1]);
    multiply(ht, ht, p.s1[l]);
    t = ht;
  }
  throw new Error('an Mlp has at least one layer');
}

/** Tangents of a forward pass along input tangents ẋ (row-major; 0 in the columns before `from`): ȧ[l] (ȧ[0] = ẋ) and ḣ[l], as in Pass. */
export function inputTangent(net: Layers, p: Pass, xdot: ArrayLike<number>, from = 0): Pass {
  const { sizes } = net;
  const a: Float64Array[] = [toColumns(xdot, p.rows, sizes[0])];
  const h: Float64Array[] = [];
  for (let l = 0; l < net.w.length; l++) {
    const hl = affine(a[l], p.rows, net.w[l], sizes[l], sizes[l + 1], undefined, l === 0 ? from : 0);
    h.push(hl);
    if (l + 1 < net.w.length) {
      const al = allocRaw(hl.length);
      multiply(al, p.s1[l], hl);
      a.push(al);
    }
  }
  return { rows: p.rows, a, h, s1: [] };
}

/**
 * Reverse pass of forward + tangent: from adjoints of the output (g) and of
 * its tangent (gdot), both row-major, accumulate the parameter gradient into
 * `into` and return the adjoints of the input x and of its tangent ẋ
 * (row-major). Columns of the input before `from` have a zero tangent and
 * their adjoints are left 0; rows of g before `gFrom` are 0 (their work is
 * skipped while it stays 0, i.e. through relu and linear layers).
 */
export function backwardTangent(net: Layers, p: Pass, t: Pass, g: ArrayLike<number>, gdot: ArrayLike<number>, into: Gradients, from = 0, gFrom = 0): { x: Float64Array; xdot: Float64Array } {
  const { sizes, activation } = net;
  const L = net.w.length;
  let gl = toColumns(g, p.rows, sizes[L]);
  let gd = toColumns(gdot, p.rows, sizes[L]);
  const curved = activation !== 'relu' && activation !== 'linear';
  let r0 = gFrom;
  for (let l = L - 1; l >= 0; l--) {
    const [nIn, nOut] = [sizes[l], sizes[l + 1]];
    accumulate(into.w[l], into.b[l], p.a[l], gl, p.rows, nIn, nOut, 0, r0);
    const start = l === 0 ? from : 0;
    accumulate(into.w[l], undefined, t.a[l], gd, p.rows, nIn, nOut, start);
    const back = backAffine(gl, p.rows, net.w[l], nIn, nOut, start, r0);
    const backDot = backAffine(gd, p.rows, net.w[l], nIn, nOut, start);
    if (l === 0) return { x: toRows(back, p.rows, nIn), xdot: toRows(backDot, p.rows, nIn) };
    // ȧ = σ′(h)·ḣ and a = σ(h): h̄ = σ′·ā + σ″·ḣ·ǡ, ḣ̄ = σ′·ǡ (σ″ = 0 for relu).
    const h = p.h[l - 1];
    const a = p.a[l];
    const s1 = p.s1[l - 1];
    const hd = t.h[l - 1];
    const k = simdKernels();
    if (!curved && k && inArena(back) && inArena(backDot) && inArena(s1)) {
      k.mul0(back.byteOffset, s1.byteOffset, back.byteOffset, back.length);
      k.mul(backDot.byteOffset, backDot.byteOffset, s1.byteOffset, back.length);
    } else {
      for (let i = 0; i < back.length; i++) {
        back[i] = s1[i] * back[i] + (curved ? d2(activation, h[i], a[i]) * hd[i] * backDot[i] : 0);
        backDot[i] *= s1[i];
      }
    }
    if (curved) r0 = 0;
    gl = back;
    gd = backDot;
  }
  throw new Error('an Mlp has at least one layer');
}

/** Σ of squares of a gradient's entries, each rounded to float32 first (as the tensors it becomes). */
export function squaredNorm(g: Gradients): number {
  let s = 0;
  for (const arr of [...g.w, ...g.b]) for (let i = 0; i < arr.length; i++) s += Math.fround(arr[i]) ** 2;
  return s;
}

/** The Mlp's gradient list in the order of net.variables (w0, b0, w1, b1, ...). */
export function gradientList(g: Gradients): Float64Array[] {
  return g.w.flatMap((w, l) => [w, g.b[l]]);
}

/**
 * One optimiser step from gradients held as arrays, given in the order of
 * `variables` (the order the tape path's variableGrads gives them, which is
 * what position-matched optimiser moments need): FusedAdam writes the step
 * into the variables in place where it can; otherwise a few tensors and one
 * step of the optimiser (one kernel for FusedAdam).
 */
export function applyArrayGradients(opt: tf.Optimizer, variables: tf.Variable[], grads: ArrayLike<number>[]): void {
  if (opt instanceof FusedAdam && opt.applyArrays(variables, grads)) return;
  tf.tidy(() => {
    const map: tf.NamedTensorMap = {};
    variables.forEach((v, i) => {
      map[v.name] = tf.tensor(new Float32Array(grads[i] as ArrayLike<number>), v.shape, 'float32');
    });
    opt.applyGradients(map);
  });
}
