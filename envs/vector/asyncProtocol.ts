// What AsyncVectorEnv and its workers share: the memory layout and the messages.
//
// Observations, rewards, flags and actions live in SharedArrayBuffers that both sides see, so a
// step moves no array through postMessage. Each worker w has four Int32 control slots at 4·w:
// [command seq, done seq, status, op]. The main thread writes the actions (or posts a command
// message), sets op, bumps the command seq and notifies; the worker, blocked in Atomics.wait,
// wakes, does the work, posts a result message if there is one (infos, a reset's infos, an
// error), sets status, stores done seq = command seq and notifies. Messages are read on both
// sides with receiveMessageOnPort, so neither thread needs its event loop: step() and reset()
// stay synchronous, as Gymnasium's.
import type { MessagePort } from 'node:worker_threads';
import type { Info } from '../core/env.js';
import type { MakeOptions } from '../core/registry.js';
import type { AutoresetMode } from './autoreset.js';

export const SLOTS = 4;
export const CMD = 0;
export const DONE = 1;
export const STATUS = 2;
export const OP = 3;

/** op: a step (actions in shared memory) or a command message. */
export const OP_STEP = 1;
export const OP_MESSAGE = 2;
/** status: no message, a result message, an error message. */
export const NO_MESSAGE = 0;
export const MESSAGE = 1;
export const FAILED = 2;

/** One env of an AsyncVectorEnv: a registered id and its make() options (structured-cloneable). */
export interface EnvSpecLike {
  id: string;
  options?: MakeOptions;
}

export type ObsArrayKind = 'float32' | 'float64' | 'int32' | 'int8';

// Loads the worker script; if it cannot be loaded, answers every command with the error (so the
// main thread, blocked in Atomics.wait, hears of it at once instead of at the timeout).
export const BOOTSTRAP = `
const { workerData: d, receiveMessageOnPort } = require('node:worker_threads');
import(d.script).catch((e) => {
  const c = new Int32Array(d.control), b = d.worker * ${SLOTS};
  for (let seen = 0; ; ) {
    Atomics.wait(c, b + ${CMD}, seen);
    seen = Atomics.load(c, b + ${CMD});
    if (Atomics.load(c, b + ${OP}) !== ${OP_STEP}) receiveMessageOnPort(d.port);
    d.port.postMessage({ error: { name: 'Error', message: 'cannot load ' + d.script + ': ' + (e && e.message) } });
    Atomics.store(c, b + ${STATUS}, ${FAILED});
    Atomics.store(c, b + ${DONE}, seen);
    Atomics.notify(c, b + ${DONE});
  }
});`;

export interface WorkerInit {
  worker: number;
  /** Index of this worker's first env in the vector. */
  first: number;
  specs: EnvSpecLike[];
  autoresetMode: AutoresetMode;
  imports: string[];
  wrapModule?: string;
  mujoco: boolean;
  port: MessagePort;
  control: SharedArrayBuffer;
  obs: SharedArrayBuffer;
  obsKind: ObsArrayKind;
  /** Elements per observation (1 for Discrete). */
  obsSize: number;
  /** Per-env actions as float64; elements per action (1 for Discrete). */
  actions: SharedArrayBuffer;
  actionSize: number;
  rewards: SharedArrayBuffer;
  /** terminated (n bytes) then truncated (n bytes). */
  flags: SharedArrayBuffer;
  numEnvs: number;
}

export interface ResetCommand {
  cmd: 'reset';
  /** One per env of this worker. */
  seeds: (number | undefined)[];
  options?: Record<string, unknown>;
  /** One 0/1 per env of this worker, or absent for all. */
  mask?: number[];
}

export type Command = ResetCommand | { cmd: 'render' } | { cmd: 'close' };

/** Per-env infos of a step or reset, in env order (only the envs that have something). */
export interface InfoEntry {
  i: number;
  info: Info;
  final?: { obs: unknown; info: Info };
}

export interface Result {
  infos?: InfoEntry[];
  frames?: unknown[];
  error?: { name: string; message: string };
}

export function typedArrayFor(kind: ObsArrayKind, buf: SharedArrayBuffer): Float32Array | Float64Array | Int32Array | Int8Array {
  switch (kind) {
    case 'float32':
      return new Float32Array(buf);
    case 'float64':
      return new Float64Array(buf);
    case 'int32':
      return new Int32Array(buf);
    default:
      return new Int8Array(buf);
  }
}
