// Steps per second of every registered env: stepped directly on `unwrapped`,
// through `make` (checker, order enforcing, time limit), and 8 copies as a
// SyncVectorEnv (fresh arrays each step, Gymnasium's default, and reused
// buffers) against the same 8 made envs stepped by hand.
//
// "By hand" does the work the vector env's contract asks for, written out for
// the one case at hand: NEXT_STEP autoreset (an env that ended is reset on the
// next call, which counts no step), observations copied into one batch,
// rewards and flags into their arrays, and, to compare with copy on, fresh
// arrays every call (carved from a shared chunk, as the vector env does); to
// compare with copy off, reused ones. The bare loop (step, reset at once, keep
// nothing) is shown too: the difference is the price of batched results,
// which any vectorised rollout pays, with or without SyncVectorEnv.
//
// Each env is measured in its own worker thread, so one env's JIT feedback
// does not slow the next. Figures being compared are measured in interleaved
// rounds and the best round is kept, which damps noise from other load on the
// machine; rates are per CPU second of the process (wall time if that is shorter). Actions are drawn beforehand so sampling is not timed; only step()
// calls are counted (resets run inside the timed loops, by hand and vectorised).
//
// benchAsyncVector: AsyncVectorEnv against SyncVectorEnv, 8 envs, steps per wall-clock second
// (the async envs step on worker threads, whose CPU time this thread does not see).
import { availableParallelism, loadavg } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as envs from '../envs/index.js';
import { formatRate, type Table } from './table.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const ROUNDS = 10;
const POOL = 1024; // pre-drawn actions, cycled (a power of two for a cheap mask)
const N_VEC = 8;

type AnyEnv = envs.Env<any, any>;
type Chunk = () => number;

export interface EnvRates {
  direct: number;
  make: number;
  /** Step, reset at once, keep nothing. */
  bare: number;
  /** By hand with the vector env's results: fresh arrays (vs vecCopy) or reused ones (vs vecNoCopy). */
  handCopy: number;
  handNoCopy: number;
  vecCopy: number;
  vecNoCopy: number;
}

let sink: unknown; // keeps results alive so the JIT cannot drop the work

/**
 * Steps per second of each chunk (which returns the steps it took): best of ROUNDS interleaved
 * rounds; per CPU second of this thread, or per wall-clock second with `wall` (worker threads).
 */
function race(chunks: Chunk[], seconds: number, wall = false): number[] {
  const slice = (seconds * 1000) / ROUNDS;
  const run = (chunk: Chunk, ms: number): number => {
    let steps = 0;
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    let now = start;
    while (now < start + ms) {
      steps += chunk();
      now = performance.now();
    }
    // CPU time, not wall time: on a shared machine the thread may wait for a core.
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return (steps / (wall ? now - start : Math.min(now - start, cpuMs > 0 ? cpuMs : Infinity))) * 1000;
  };
  for (const c of chunks) run(c, Math.min(200, slice)); // warm-up
  const best = chunks.map(() => 0);
  for (let r = 0; r < ROUNDS; r++) chunks.forEach((c, i) => (best[i] = Math.max(best[i], run(c, slice))));
  return best;
}

function drawActions(space: envs.Space<unknown>, n: number, seed: number): unknown[] {
  space.seed(seed);
  return Array.from({ length: n }, () => space.sample());
}

function single(env: AnyEnv, actions: unknown[]): Chunk {
  env.reset({ seed: 0 });
  let k = 0;
  return () => {
    for (let i = 0; i < 64; i++) {
      const r = env.step(actions[k++ & (POOL - 1)]);
      sink = r;
      if (r[2] || r[3]) env.reset();
    }
    return 64;
  };
}

function bare(list: AnyEnv[], actions: unknown[]): Chunk {
  list.forEach((e, i) => e.reset({ seed: i }));
  let k = 0;
  return () => {
    for (let t = 0; t < 8; t++) {
      for (let i = 0; i < list.length; i++) {
        const r = list[i].step(actions[k++ & (POOL - 1)]);
        sink = r;
        if (r[2] || r[3]) list[i].reset();
      }
    }
    return 8 * list.length;
  };
}

/**
 * The envs stepped by hand to the vector env's results (observations batched
 * into one Float32Array, Float64Array rewards, Uint8Array flags, NEXT_STEP
 * autoreset), with fresh arrays each call when `copy`. Observations must be
 * flat Float32Arrays (every bundled env's are).
 */
function byHand(list: AnyEnv[], actions: unknown[], copy: boolean): Chunk {
  const n = list.length;
  const first = list.map((e, i) => e.reset({ seed: i })[0]);
  if (!(first[0] instanceof Float32Array)) throw new Error('byHand: observations must be Float32Arrays');
  const size = first[0].length;
  const rewardsAt = Math.ceil((4 * n * size) / 8) * 8;
  const slot = Math.ceil((rewardsAt + 8 * n + 2 * n) / 8) * 8;
  const chunkBytes = Math.floor(65536 / slot) * slot;
  let chunk = new ArrayBuffer(chunkBytes);
  let at = 0;
  let obs = new Float32Array(n * size);
  let rewards = new Float64Array(n);
  let terms = new Uint8Array(n);
  let truncs = new Uint8Array(n);
  const pending = new Uint8Array(n);
  let pendingResets = 0;
  let k = 0;
  return () => {
    let steps = 0;
    for (let t = 0; t < 8; t++) {
      if (copy) {
        if (at === chunkBytes) {
          chunk = new ArrayBuffer(chunkBytes);
          at = 0;
        }
        obs = new Float32Array(chunk, at, n * size);
        rewards = new Float64Array(chunk, at + rewardsAt, n);
        terms = new Uint8Array(chunk, at + rewardsAt + 8 * n, n);
        truncs = new Uint8Array(chunk, at + rewardsAt + 9 * n, n);
        at += slot;
      }
      for (let i = 0; i < n; i++) {
        const action = actions[k++ & (POOL - 1)];
        let o: Float32Array;
        if (pending[i] !== 0) {
          o = list[i].reset()[0] as Float32Array;
          rewards[i] = 0;
          terms[i] = 0;
          truncs[i] = 0;
          pending[i] = 0;
        } else {
          const r = list[i].step(action);
          o = r[0] as Float32Array;
          rewards[i] = r[1];
          terms[i] = r[2] ? 1 : 0;
          truncs[i] = r[3] ? 1 : 0;
          pending[i] = r[2] || r[3] ? 1 : 0;
        }
        for (let j = 0; j < size; j++) obs[i * size + j] = o[j];
      }
      const res: envs.VectorStepResult<Float32Array> = [obs, rewards, terms, truncs, {}];
      sink = res;
      // Counted as vectorised() counts, so both loops do the same bookkeeping.
      steps += n - pendingResets;
      pendingResets = 0;
      for (let i = 0; i < n; i++) pendingResets += res[2][i] | res[3][i];
    }
    return steps;
  };
}

function vectorised(vec: Pick<envs.SyncVectorEnv<unknown, unknown>, 'reset' | 'step' | 'numEnvs'>, batches: unknown[]): Chunk {
  vec.reset({ seed: 0 });
  const n = vec.numEnvs;
  let k = 0;
  let pendingResets = 0;
  return () => {
    let steps = 0;
    for (let t = 0; t < 8; t++) {
      const r = vec.step(batches[k++ & (POOL - 1)]);
      sink = r;
      // Envs that ended are reset (not stepped) on the next call: count only real steps.
      steps += n - pendingResets;
      pendingResets = 0;
      for (let i = 0; i < n; i++) pendingResets += r[2][i] | r[3][i];
    }
    return steps;
  };
}

async function makeReady(id: string): Promise<AnyEnv> {
  try {
    return envs.make(id);
  } catch (e) {
    // MuJoCo envs need their WebAssembly module loaded once.
    const ready = (envs as Record<string, unknown>).mujocoReady;
    if (typeof ready !== 'function') throw e;
    await (ready as () => Promise<unknown>)();
    return envs.make(id);
  }
}

/** Measures one env in this thread. */
export async function measureEnv(id: string, seconds = SECONDS): Promise<EnvRates> {
  const made = await makeReady(id);
  const actions = drawActions(made.actionSpace as envs.Space<unknown>, POOL, 1);
  const [direct, make] = race([single(made.unwrapped as AnyEnv, actions), single(envs.make(id), actions)], seconds);
  const hands = () => Array.from({ length: N_VEC }, () => envs.make(id));
  const copying = envs.makeVec<unknown, unknown>(id, N_VEC);
  const reusing = envs.makeVec<unknown, unknown>(id, N_VEC, { copy: false });
  const batches = drawActions(copying.actionSpace, POOL, 2);
  const [b, hc, vc, hn, vn] = race(
    [
      bare(hands(), actions),
      byHand(hands(), actions, true),
      vectorised(copying, batches),
      byHand(hands(), actions, false),
      vectorised(reusing, batches),
    ],
    seconds,
  );
  copying.close();
  reusing.close();
  void sink;
  return { direct, make, bare: b, handCopy: hc, handNoCopy: hn, vecCopy: vc, vecNoCopy: vn };
}

function inWorker(id: string): Promise<EnvRates> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { benchEnvId: id, seconds: SECONDS } });
    w.once('message', (m: { rates?: EnvRates; error?: string }) => (m.rates ? resolve(m.rates) : reject(new Error(m.error))));
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with code ${code}`)));
  });
}

const pct = (slow: number, fast: number): string => `${((fast / slow - 1) * 100).toFixed(0)}%`;

export async function benchEnvs(): Promise<Table> {
  const isJs = import.meta.url.endsWith('.js');
  const rows: (string | number)[][] = [];
  for (const id of envs.listEnvs()) {
    try {
      const r = isJs ? await inWorker(id) : await measureEnv(id);
      const f = formatRate;
      rows.push([id, f(r.direct), f(r.make), pct(r.make, r.direct), f(r.bare), f(r.handCopy), f(r.vecCopy),
        pct(r.vecCopy, r.handCopy), f(r.handNoCopy), f(r.vecNoCopy), pct(r.vecNoCopy, r.handNoCopy)]); // prettier-ignore
    } catch (e) {
      rows.push([id, `error: ${((e as Error).message ?? String(e)).split('\n')[0].slice(0, 100)}`]);
    }
  }
  return {
    title: `Environment steps per second (Node ${process.version}; best of ${ROUNDS} interleaved rounds, ~${SECONDS} s per figure)`,
    columns: ['env', 'direct', 'make()', 'make cost', `${N_VEC} bare`, `${N_VEC} by hand`, `vec×${N_VEC}`, 'cost',
      `${N_VEC} by hand reused`, `vec×${N_VEC} no copy`, 'cost'], // prettier-ignore
    rows,
    notes: [
      'direct: env.unwrapped.step();  make(): through PassiveEnvChecker, OrderEnforcing and TimeLimit.',
      `${N_VEC} bare: ${N_VEC} made envs stepped in a loop, reset at once when done, results not kept.`,
      `${N_VEC} by hand: the same envs stepped to the vector env's results (batched observations, reward and flag arrays,`,
      `NEXT_STEP autoreset) in fresh arrays each step;  vec×${N_VEC}: the same through makeVec (copy on, the default).`,
      `${N_VEC} by hand reused / vec×${N_VEC} no copy: the same with reused buffers ({copy: false}).`,
      'cost: extra time per step, relative to direct (make) or to stepping by hand (vector).',
    ],
  };
}

/** AsyncVectorEnv's speed-up over SyncVectorEnv for expensive envs (needs the compiled package). */
export async function benchAsyncVector(): Promise<Table> {
  const cores = availableParallelism();
  const counts = [...new Set([1, 2, Math.min(cores, N_VEC)])];
  const rows: (string | number)[][] = [];
  const load = loadavg()[0].toFixed(2);
  for (const id of ['LunarLander-v3', 'InvertedPendulum-v5', 'CartPole-v1']) {
    try {
      (await makeReady(id)).close();
      const sync = envs.makeVec<unknown, unknown>(id, N_VEC);
      const asyncs = counts.map((w) => new envs.AsyncVectorEnv(Array(N_VEC).fill(id), { workers: w }));
      const batches = drawActions(sync.actionSpace, POOL, 3);
      const [s, ...a] = race([sync, ...asyncs].map((v) => vectorised(v, batches)), SECONDS * 2, true);
      [sync, ...asyncs].forEach((v) => v.close());
      rows.push([id, formatRate(s), ...a.flatMap((r) => [formatRate(r), `${(r / s).toFixed(2)}×`])]);
    } catch (e) {
      rows.push([id, `error: ${((e as Error).message ?? String(e)).split('\n')[0].slice(0, 100)}`]);
    }
  }
  return {
    title: `AsyncVectorEnv vs SyncVectorEnv, ${N_VEC} envs (env steps per wall-clock second; ${cores} cores, load ${load} at start)`,
    columns: ['env', 'sync', ...counts.flatMap((w) => [`async ${w}w`, 'speed-up'])],
    rows,
    notes: [
      'async Nw: AsyncVectorEnv with N worker threads (contiguous slices of the envs); speed-up relative to sync.',
      'A step pays ~20-30 µs to wake the workers and wait for them: worth it only for envs costing much more per step.',
    ],
  };
}

if (!isMainThread && (workerData as { benchEnvId?: string } | null)?.benchEnvId) {
  const { benchEnvId, seconds } = workerData as { benchEnvId: string; seconds: number };
  measureEnv(benchEnvId, seconds).then(
    (rates) => parentPort?.postMessage({ rates }),
    (e: unknown) => parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e) }),
  );
}
