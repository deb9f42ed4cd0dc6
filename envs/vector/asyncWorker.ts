// An AsyncVectorEnv worker: makes its envs (a contiguous slice of the vector's), then serves
// steps and commands forever, synchronously, through shared memory (asyncProtocol.ts).
// It runs as compiled JavaScript (dist/envs/vector/asyncWorker.js) in a worker thread.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { Env } from '../core/env.js';
import { readBatch, createBatch } from '../spaces/batch.js';
import { Discrete } from '../spaces/discrete.js';
import type { Space } from '../spaces/space.js';
import { hasKey } from './infos.js';
import { stepEnv } from './autoreset.js';
import {
  CMD,
  DONE,
  FAILED,
  MESSAGE,
  NO_MESSAGE,
  OP,
  OP_STEP,
  SLOTS,
  STATUS,
  typedArrayFor,
  type Command,
  type InfoEntry,
  type Result,
  type WorkerInit,
} from './asyncProtocol.js';

const init = workerData as WorkerInit;
const ctrl = new Int32Array(init.control);
const base = init.worker * SLOTS;
const obs = typedArrayFor(init.obsKind, init.obs);
const actions = new Float64Array(init.actions);
const rewards = new Float64Array(init.rewards);
const flags = new Uint8Array(init.flags);
const n = init.numEnvs;

function reply(status: number, result?: Result): void {
  if (result !== undefined) init.port.postMessage(result);
  Atomics.store(ctrl, base + STATUS, status);
  Atomics.store(ctrl, base + DONE, Atomics.load(ctrl, base + CMD));
  Atomics.notify(ctrl, base + DONE);
}

function failure(e: unknown): Result {
  const err = e instanceof Error ? e : new Error(String(e));
  return { error: { name: err.name === 'UserError' || err.constructor?.name === 'UserError' ? 'UserError' : err.name, message: err.message } };
}

async function setup(): Promise<Env<any, any>[]> {
  for (const m of init.imports) await import(m);
  const envsModule = await import('../index.js');
  if (init.mujoco) await envsModule.mujocoReady();
  const wrap = init.wrapModule ? ((await import(init.wrapModule)) as { default: (e: Env<any, any>, i: number) => Env<any, any> }).default : undefined;
  return init.specs.map((s, k) => {
    const env = envsModule.make(s.id, s.options ?? {});
    return wrap ? wrap(env, init.first + k) : env;
  });
}

function serve(envs: Env<any, any>[]): void {
  const count = envs.length;
  const first = init.first;
  const space = envs[0]!.actionSpace as Space<unknown>;
  const scalar = space instanceof Discrete;
  const size = init.actionSize;
  const obsSize = init.obsSize;
  const buffers = envs.map(() => (scalar ? undefined : (readBatch(space, createBatch(space, 1), 0) as Float32Array)));
  const ended = new Uint8Array(count);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, base + CMD, seen);
    seen = Atomics.load(ctrl, base + CMD);
    const op = Atomics.load(ctrl, base + OP);
    let result: Result | undefined;
    let stop = false;
    try {
      if (op === OP_STEP) {
        let entries: InfoEntry[] | undefined;
        for (let k = 0; k < count; k++) {
          const i = first + k;
          let action: unknown;
          if (scalar) action = actions[i];
          else {
            const buf = buffers[k]!;
            for (let j = 0; j < size; j++) buf[j] = actions[i * size + j]!;
            action = buf;
          }
          const r = stepEnv(envs[k]!, action, init.autoresetMode, ended[k] !== 0, i, 'AsyncVectorEnv.step');
          writeObs(i, r.obs, obsSize);
          rewards[i] = r.reward;
          flags[i] = r.terminated ? 1 : 0;
          flags[n + i] = r.truncated ? 1 : 0;
          ended[k] = r.terminated || r.truncated ? 1 : 0;
          if (r.final !== undefined || hasKey(r.info)) (entries ??= []).push({ i, info: r.info, final: r.final });
        }
        if (entries !== undefined) result = { infos: entries };
      } else {
        const msg = receiveMessageOnPort(init.port)?.message as Command | undefined;
        if (msg === undefined) throw new Error('AsyncVectorEnv worker: command message missing');
        if (msg.cmd === 'reset') {
          const entries: InfoEntry[] = [];
          for (let k = 0; k < count; k++) {
            if (msg.mask !== undefined && msg.mask[k] === 0) continue;
            const opts: { seed?: number; options?: Record<string, unknown> } = {};
            if (msg.seeds[k] !== undefined) opts.seed = msg.seeds[k];
            if (msg.options !== undefined) opts.options = msg.options;
            const [o, info] = envs[k]!.reset(opts);
            writeObs(first + k, o, obsSize);
            ended[k] = 0;
            entries.push({ i: first + k, info });
          }
          result = { infos: entries };
        } else if (msg.cmd === 'render') {
          result = { frames: envs.map((e) => e.render()) };
        } else {
          for (const e of envs) e.close();
          result = {};
          stop = true;
        }
      }
    } catch (e) {
      reply(FAILED, failure(e));
      continue;
    }
    reply(result === undefined ? NO_MESSAGE : MESSAGE, result);
    if (stop) {
      init.port.close();
      return;
    }
  }
}

function writeObs(i: number, o: unknown, size: number): void {
  if (typeof o === 'number') obs[i] = o;
  else {
    const src = o as ArrayLike<number>;
    const at = i * size;
    for (let j = 0; j < size; j++) obs[at + j] = src[j]!;
  }
}

setup().then(serve, (e: unknown) => {
  // Report the failure as the answer to every command until closed.
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, base + CMD, seen);
    seen = Atomics.load(ctrl, base + CMD);
    const msg = Atomics.load(ctrl, base + OP) !== OP_STEP ? (receiveMessageOnPort(init.port)?.message as Command) : undefined;
    if (msg?.cmd === 'close') {
      reply(MESSAGE, {});
      init.port.close();
      return;
    }
    reply(FAILED, failure(e));
  }
});
