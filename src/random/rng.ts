// Seeded random streams. Every consumer (environment, sampling noise,
// initialisation, ...) owns its own stream, derived from a run seed and a
// purpose name, so adding draws in one place never shifts another's numbers.
import seedrandom from 'seedrandom';
import { aleaInto } from './aleaWasm.js';

export type AleaState = seedrandom.State.Alea;

/** A seeded generator of uniform, normal and integer draws (alea: fast, 2^116 period). */
export class Rng {
  private prng: seedrandom.StatefulPRNG<AleaState>;

  constructor(seed: number | string, state?: AleaState) {
    this.prng = seedrandom.alea(String(seed), { state: state ?? true });
  }

  /** Uniform on [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Uniform on [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.prng();
  }

  /** Integer uniform on {0, ..., n − 1}. */
  integer(n: number): number {
    return Math.floor(this.prng() * n);
  }

  /** Standard normal (Box–Muller; one draw per call, so streams stay simple to reason about). */
  normal(): number {
    const u1 = 1 - this.prng(); // (0, 1]
    const u2 = this.prng();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** n uniforms on [0, 1) as float32. */
  uniforms(n: number): Float32Array {
    return this.uniformsInto(new Float32Array(n));
  }

  /**
   * Fill `out` with the next out.length uniforms (as float32): the numbers
   * `next()` would give, from Alea's recurrence run on local copies of its
   * state (a call per draw costs ~10 ns, the loop ~6, the integer loop ~2;
   * a batch of 20 000 is a VAE step's).
   */
  uniformsInto(out: Float32Array): Float32Array {
    // Long runs in WebAssembly's integers (aleaWasm.ts): the same numbers and state, several times faster.
    const after = out.length >= 64 ? aleaInto(this.prng.state(), out) : undefined;
    if (after) {
      this.prng = seedrandom.alea('', { state: after });
      return out;
    }
    let { c, s0, s1, s2 } = this.prng.state();
    for (let i = 0; i < out.length; i++) {
      const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
      s0 = s1;
      s1 = s2;
      c = t | 0;
      s2 = t - c;
      out[i] = s2;
    }
    this.prng = seedrandom.alea('', { state: { c, s0, s1, s2 } });
    return out;
  }

  /** n standard normals as float32. */
  normals(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /** The generator's internal state (JSON-serialisable), for checkpoints. */
  state(): AleaState {
    return this.prng.state();
  }

  /** Continue from `state()` in place (holders of this Rng see the restored stream). */
  setState(state: AleaState): void {
    this.prng = seedrandom.alea('', { state });
  }

  /** A generator restored from `state()`. */
  static fromState(state: AleaState): Rng {
    return new Rng('', state);
  }
}

/** A stream for one purpose, derived from the run seed: same (seed, purpose), same numbers. */
export function stream(seed: number, purpose: string): Rng {
  return new Rng(`${seed}:${purpose}`);
}

/** A fresh unpredictable seed (for envs reset without a seed, as Gymnasium does). */
export function entropySeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
