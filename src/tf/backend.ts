// Backend choice. `auto` prefers the native TensorFlow bindings when they are
// installed (optional: they cannot be installed everywhere), else wasm.
import * as tf from '@tensorflow/tfjs';
import './uncaught.js'; // undo the wasm module's process-wide error handlers
import { UserError } from '../errors.js';
import { installWasmSlice } from './slice.js';

export const BACKENDS = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

const packages: Record<string, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
};

async function load(name: Exclude<BackendName, 'auto'>): Promise<boolean> {
  try {
    if (packages[name]) await import(packages[name]);
    if (name === 'wasm') installWasmSlice(); // its kernels are registered on import
    // The tfjs name of both native bindings is 'tensorflow'.
    const tfName = name === 'tensorflow-gpu' ? 'tensorflow' : name;
    return await tf.setBackend(tfName);
  } catch {
    return false;
  }
}

export function parseBackend(name: string): BackendName {
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new UserError(`unknown backend '${name}' (choose from ${BACKENDS.join(', ')})`);
  }
  return name as BackendName;
}

/**
 * Select and initialise a backend; resolves to the tfjs backend name in use.
 * `name` defaults to $RELAX_PG_BACKEND, then 'auto'. Create no tensor before
 * this resolves: importing the wasm backend makes it the default before it is ready.
 */
export async function initBackend(name?: string): Promise<string> {
  const wanted = parseBackend(name ?? process.env.RELAX_PG_BACKEND ?? 'auto');
  const order: Exclude<BackendName, 'auto'>[] =
    wanted === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [wanted];
  for (const candidate of order) {
    if (await load(candidate)) {
      await tf.ready();
      return tf.getBackend();
    }
  }
  throw new UserError(`backend '${wanted}' is not available (is its package installed?)`);
}

export function currentBackend(): string {
  return tf.getBackend();
}
