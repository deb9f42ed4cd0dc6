// AsyncVectorEnv: the envs of a vector stepped on worker threads (node:worker_threads), with the
// API and results of SyncVectorEnv: same batches, infos, autoreset modes, seeds (env i gets
// seed + i), hence the same trajectories. Worth it when one env step costs much more than the
// coordination (~10-20 µs per worker and step): LunarLander, MuJoCo; not CartPole.
//
// Envs are given as registered ids with make() options (functions cannot be sent to a thread);
// `imports` are modules each worker imports first (to register your own envs), `wrapModule` one
// whose default export `(env, index) => env` wraps each env. Each worker runs a contiguous slice
// of the envs. step() and reset() are synchronous: the main thread waits with Atomics.wait while
// the workers fill shared memory (asyncProtocol.ts). Workers run compiled JavaScript
// (dist/envs/vector/asyncWorker.js); from TypeScript sources give `workerUrl`.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { UserError } from '../../src/errors.js';
import type { EnvSpec, RgbFrame } from '../core/env.js';
import { make } from '../core/registry.js';
import { isMujocoLoaded } from '../mujoco/runtime.js';
import { Box } from '../spaces/box.js';
import { batchLength, batchSpace, createBatch } from '../spaces/batch.js';
import { Discrete } from '../spaces/discrete.js';
import { spacesEqual } from '../spaces/json.js';
import { MultiBinary } from '../spaces/multiBinary.js';
import { MultiDiscrete } from '../spaces/multiDiscrete.js';
import type { Space } from '../spaces/space.js';
import { preview } from '../spaces/util.js';
import { type AutoresetMode, envResetOptions, envSeeds, parseAutoresetMode, parseResetMask, refuseEnded } from './autoreset.js';
import { addInfo, type VectorInfo } from './infos.js';
import type { SyncVectorEnvOptions, VectorResetOptions, VectorStepResult } from './syncVectorEnv.js';
import {
  BOOTSTRAP, CMD, DONE, FAILED, OP, OP_MESSAGE, OP_STEP, SLOTS, STATUS, typedArrayFor,
  type Command, type EnvSpecLike, type ObsArrayKind, type Result, type WorkerInit,
} from './asyncProtocol.js'; // prettier-ignore

export type { EnvSpecLike } from './asyncProtocol.js';

export interface AsyncVectorEnvOptions extends SyncVectorEnvOptions {
  /** Worker threads (default: min(numEnvs, available cores)); env i runs on worker ⌊i·workers/numEnvs⌋. */
  workers?: number;
  /** Modules each worker imports before making its envs (URLs or absolute paths). */
  imports?: (string | URL)[];
  /** A module whose default export `(env, index) => env` wraps each env in its worker. */
  wrapModule?: string | URL;
  /** Longest wait for a worker's answer, in ms (default 120 000; the first includes startup). */
  timeoutMs?: number;
  /** The worker script (default: asyncWorker.js beside this module). */
  workerUrl?: URL;
}

const href = (m: string | URL): string => (m instanceof URL ? m.href : m.startsWith('/') ? new URL(`file://${m}`).href : m);

function arrayKind(batch: unknown): ObsArrayKind | undefined {
  if (batch instanceof Float32Array) return 'float32';
  if (batch instanceof Float64Array) return 'float64';
  if (batch instanceof Int32Array) return 'int32';
  return batch instanceof Int8Array ? 'int8' : undefined;
}

const flat = (s: Space<unknown>) => s instanceof Box || s instanceof Discrete || s instanceof MultiBinary || s instanceof MultiDiscrete;

export class AsyncVectorEnv<BO = Float32Array, BA = any> {
  readonly numEnvs: number;
  readonly numWorkers: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly observationSpace: Space<BO>;
  readonly actionSpace: Space<BA>;
  readonly autoresetMode: AutoresetMode;
  readonly metadata: { autoresetMode: AutoresetMode };
  readonly copy: boolean;
  spec?: EnvSpec;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly ranges: [number, number][] = [];
  private readonly ctrl: Int32Array;
  private readonly seq: number[];
  private readonly obs: Float32Array | Float64Array | Int32Array | Int8Array;
  private readonly actions: Float64Array;
  private readonly rewards: Float64Array;
  private readonly flags: Uint8Array;
  private readonly ended: Uint8Array;
  private readonly actionSize: number;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(envs: readonly (string | EnvSpecLike)[], opts: AsyncVectorEnvOptions = {}) {
    if (!Array.isArray(envs) || envs.length === 0) throw new UserError('AsyncVectorEnv: needs at least one env (an id or { id, options })');
    const url = opts.workerUrl ?? new URL('./asyncWorker.js', import.meta.url);
    if (opts.workerUrl === undefined && import.meta.url.endsWith('.ts')) {
      throw new UserError('AsyncVectorEnv: its workers run compiled JavaScript; import it from the built package (dist/), or pass workerUrl');
    }
    const specs: EnvSpecLike[] = envs.map((e) => (typeof e === 'string' ? { id: e } : { id: e.id, options: e.options ?? {} }));
    const n = (this.numEnvs = specs.length);
    this.copy = opts.copy ?? true;
    this.autoresetMode = parseAutoresetMode(opts.autoresetMode, 'AsyncVectorEnv');
    this.metadata = { autoresetMode: this.autoresetMode };
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    // The spaces, from one env of each distinct spec made here (as Gymnasium's dummy env).
    const probes = new Map<string, { obs: Space<unknown>; act: Space<unknown>; spec?: EnvSpec }>();
    for (const s of specs) {
      const key = JSON.stringify(s);
      if (probes.has(key)) continue;
      const env = make(s.id, s.options ?? {});
      probes.set(key, { obs: env.observationSpace as Space<unknown>, act: env.actionSpace as Space<unknown>, spec: env.spec });
      env.close();
    }
    const first = probes.values().next().value!;
    for (const [key, p] of probes) {
      if (!spacesEqual(p.obs, first.obs) || !spacesEqual(p.act, first.act)) {
        throw new UserError(`AsyncVectorEnv: ${JSON.parse(key).id} has spaces ${p.obs.toString()} / ${p.act.toString()}, env 0 has ${first.obs.toString()} / ${first.act.toString()}`);
      }
    }
    this.singleObservationSpace = first.obs;
    this.singleActionSpace = first.act;
    this.spec = first.spec;
    if (!flat(first.obs) || !flat(first.act)) {
      throw new UserError(`AsyncVectorEnv: supports Box, Discrete, MultiBinary and MultiDiscrete spaces, got ${first.obs.toString()} / ${first.act.toString()} (use SyncVectorEnv)`);
    }
    this.observationSpace = batchSpace(first.obs, n) as Space<BO>;
    this.actionSpace = batchSpace(first.act, n) as Space<BA>;
    const obsKind = arrayKind(createBatch(first.obs, n))!;
    const obsSize = batchLength(first.obs, 1)!;
    this.actionSize = batchLength(first.act, 1)!;
    const bytes = { float32: 4, float64: 8, int32: 4, int8: 1 }[obsKind];
    const shared = {
      obs: new SharedArrayBuffer(Math.max(8, n * obsSize * bytes)),
      actions: new SharedArrayBuffer(8 * n * this.actionSize),
      rewards: new SharedArrayBuffer(8 * n),
      flags: new SharedArrayBuffer(2 * n),
    };
    this.obs = typedArrayFor(obsKind, shared.obs).subarray(0, n * obsSize);
    this.actions = new Float64Array(shared.actions);
    this.rewards = new Float64Array(shared.rewards);
    this.flags = new Uint8Array(shared.flags);
    this.ended = new Uint8Array(n);

    const w = opts.workers ?? Math.min(n, availableParallelism());
    if (!Number.isInteger(w) || w < 1) throw new UserError(`AsyncVectorEnv: workers must be a positive integer, got ${preview(w)}`);
    this.numWorkers = Math.min(w, n);
    const control = new SharedArrayBuffer(4 * SLOTS * this.numWorkers);
    this.ctrl = new Int32Array(control);
    this.seq = new Array<number>(this.numWorkers).fill(0);
    if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) throw new UserError(`AsyncVectorEnv: no worker script at ${fileURLToPath(url)}`);
    for (let k = 0; k < this.numWorkers; k++) {
      const lo = Math.floor((k * n) / this.numWorkers);
      const hi = Math.floor(((k + 1) * n) / this.numWorkers);
      this.ranges.push([lo, hi]);
      const { port1, port2 } = new MessageChannel();
      const data: WorkerInit = {
        worker: k, first: lo, specs: specs.slice(lo, hi), autoresetMode: this.autoresetMode,
        imports: (opts.imports ?? []).map(href), wrapModule: opts.wrapModule === undefined ? undefined : href(opts.wrapModule),
        mujoco: isMujocoLoaded(), port: port2, control, obsKind, obsSize,
        actionSize: this.actionSize, numEnvs: n, ...shared,
      }; // prettier-ignore
      let worker: Worker;
      try {
        worker = new Worker(BOOTSTRAP, {
          eval: true,
          workerData: { ...data, script: url.href },
          transferList: [port2],
          // Flags such as --input-type (node -e) would stop the worker's ES modules from loading.
          execArgv: process.execArgv.filter((a) => !a.startsWith('--input-type')),
        });
      } catch (e) {
        this.terminate();
        throw new UserError(`AsyncVectorEnv: could not start a worker: ${(e as Error).message}`);
      }
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  private send(k: number, op: number, msg?: Command): void {
    if (msg !== undefined) this.ports[k]!.postMessage(msg);
    const b = k * SLOTS;
    Atomics.store(this.ctrl, b + OP, op);
    Atomics.store(this.ctrl, b + CMD, ++this.seq[k]!);
    Atomics.notify(this.ctrl, b + CMD);
  }

  /** Wait for worker k's answer; its result message, if it sent one. */
  private wait(k: number): Result | undefined {
    const b = k * SLOTS;
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const done = Atomics.load(this.ctrl, b + DONE);
      if (done === this.seq[k]) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.terminate();
        throw new Error(`AsyncVectorEnv: worker ${k} did not answer within ${this.timeoutMs} ms (it may have crashed); the vector env is closed`);
      }
      Atomics.wait(this.ctrl, b + DONE, done, Math.min(left, 1000));
    }
    if (Atomics.load(this.ctrl, b + STATUS) === 0) return undefined;
    const result = receiveMessageOnPort(this.ports[k]!)?.message as Result | undefined;
    if (Atomics.load(this.ctrl, b + STATUS) === FAILED && result?.error) {
      const { name, message } = result.error;
      throw name === 'UserError' ? new UserError(message) : new Error(`AsyncVectorEnv worker ${k}: ${name}: ${message}`);
    }
    return result;
  }

  /** Run one command on every worker; their results in worker order (first error thrown after all answered). */
  private all(op: number, msgs: (Command | undefined)[]): (Result | undefined)[] {
    if (this.closed) throw new UserError('AsyncVectorEnv: the vector env is closed');
    msgs.forEach((m, k) => this.send(k, op, m));
    let error: unknown;
    const out = msgs.map((_, k) => {
      try {
        return this.wait(k);
      } catch (e) {
        error ??= e;
        return undefined;
      }
    });
    if (error !== undefined) throw error;
    return out;
  }

  private outputs(): [BO, Float64Array, Uint8Array, Uint8Array] {
    const n = this.numEnvs;
    const c = this.copy;
    const obs = (c ? this.obs.slice() : this.obs) as unknown as BO;
    const rewards = c ? this.rewards.slice() : this.rewards;
    const terms = c ? this.flags.slice(0, n) : this.flags.subarray(0, n);
    const truncs = c ? this.flags.slice(n, 2 * n) : this.flags.subarray(n, 2 * n);
    return [obs, rewards, terms, truncs];
  }

  reset(opts: VectorResetOptions = {}): [BO, VectorInfo] {
    const n = this.numEnvs;
    const who = 'AsyncVectorEnv.reset';
    const seeds = envSeeds(opts.seed, n, who);
    const mask = parseResetMask(opts.options, n, who);
    const options = envResetOptions(opts.options);
    const results = this.all(
      OP_MESSAGE,
      this.ranges.map(([lo, hi]) => ({ cmd: 'reset', seeds: seeds.slice(lo, hi), options, mask: mask ? Array.from(mask.subarray(lo, hi)) : undefined })),
    );
    let infos: VectorInfo = {};
    for (const r of results) for (const e of r?.infos ?? []) infos = addInfo(infos, e.info, e.i, n);
    for (let i = 0; i < n; i++) if (!mask || mask[i] === 1) this.ended[i] = 0;
    return [this.outputs()[0], infos];
  }

  step(actions: BA): VectorStepResult<BO> {
    const n = this.numEnvs;
    this.writeActions(actions);
    if (this.autoresetMode === 'disabled') refuseEnded(this.ended, 'AsyncVectorEnv.step');
    const results = this.all(OP_STEP, this.ranges.map(() => undefined));
    let infos: VectorInfo = {};
    for (const r of results) {
      for (const e of r?.infos ?? []) {
        if (e.final) infos = addInfo(infos, { final_obs: e.final.obs, final_info: e.final.info }, e.i, n);
        infos = addInfo(infos, e.info, e.i, n);
      }
    }
    for (let i = 0; i < n; i++) this.ended[i] = this.flags[i]! | this.flags[n + i]!;
    const [obs, rewards, terms, truncs] = this.outputs();
    return [obs, rewards, terms, truncs, infos];
  }

  /** Copy a batch (or an array of per-env actions) into shared memory. */
  private writeActions(actions: unknown): void {
    const n = this.numEnvs;
    const size = this.actionSize;
    const a = actions as ArrayLike<unknown> | null;
    const perEnv = Array.isArray(a) && a.length === n && typeof a[0] === 'object';
    if (a === null || typeof a !== 'object' || (!perEnv && a.length !== n * size)) {
      throw new UserError(`AsyncVectorEnv.step: expected ${n * size} action values (${n} envs × ${size}) for ${this.actionSpace.toString()}, got ${preview(actions)}`);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < size; j++) {
        const v = perEnv ? (a[i] as ArrayLike<unknown>)[j] : a[i * size + j];
        this.actions[i * size + j] = typeof v === 'number' ? v : Number.NaN;
      }
    }
  }

  /** Each env's render() output, in env order. */
  render(): (string | RgbFrame | undefined)[] {
    return this.all(OP_MESSAGE, this.ranges.map(() => ({ cmd: 'render' }) as Command)).flatMap((r) => (r?.frames ?? []) as (string | RgbFrame | undefined)[]);
  }

  close(): void {
    if (this.closed) return;
    try {
      this.all(OP_MESSAGE, this.ranges.map(() => ({ cmd: 'close' }) as Command));
    } finally {
      this.terminate();
    }
  }

  private terminate(): void {
    this.closed = true;
    for (const w of this.workers) void w.terminate();
    for (const p of this.ports) p.close();
  }

  toString(): string {
    return `AsyncVectorEnv(${this.spec?.id ?? '?'}, numEnvs=${this.numEnvs}, workers=${this.numWorkers})`;
  }
}
