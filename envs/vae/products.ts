// Products with a matrix held fixed (no gradient reaches it), arranged for
// wasm's matMul: it packs its SECOND operand, and keeps the packing only for
// a tensor it has packed before; a fresh 784×200 operand costs ~5 ns an
// element to pack, more than a 24-row product. Transposed flags run ~10×
// slower, so transposes are explicit, and each is made once and reused.
import { tf } from '../../src/tf/index.js';

type Tensor = tf.Tensor;
type CustomFn = Parameters<typeof tf.customGrad>[0];
/** A tensor, or a function making it on first use. */
export type Lazy = Tensor | (() => Tensor);
const force = (t: Lazy) => (typeof t === 'function' ? t() : t);

/**
 * a·m for m used many times (so packed once), given mᵀ (or a function
 * making it: a forward-only caller never pays for the transpose). The first
 * derivative goes through this op again with mᵀ, so it too packs a reused
 * tensor; no derivative transposes m, nor computes a gradient in m.
 */
export function fixedMatMul(a: Tensor, m: Tensor, mT: Lazy): Tensor {
  const product = tf.customGrad(((a0: Tensor) => ({
    value: tf.matMul(a0 as tf.Tensor2D, m as tf.Tensor2D),
    gradFunc: (dy: Tensor) => [fixedMatMul(dy, force(mT), m)],
  })) as unknown as CustomFn);
  return product(a);
}

/**
 * a·m computed as (mᵀ·aᵀ)ᵀ from mT = mᵀ, for an m that is fresh (packed
 * once at most) and an a of few rows: the packed operand is the small aᵀ.
 * Its derivative, dy·mᵀ = (m·dyᵀ)ᵀ, is this op again with m and mᵀ
 * swapped, so neither is ever transposed again.
 */
export function fixedRightMul(a: Tensor, mT: Tensor, m: Lazy): Tensor {
  const product = tf.customGrad(((a0: Tensor) => ({
    value: tf.transpose(tf.matMul(mT as tf.Tensor2D, tf.transpose(a0) as tf.Tensor2D)),
    gradFunc: (dy: Tensor) => [fixedRightMul(dy, force(m), mT)],
  })) as unknown as CustomFn);
  return product(a);
}
