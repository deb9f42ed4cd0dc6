// Save and load named variables in the TensorFlow.js weights format: a
// `weights.bin` of concatenated little-endian data and a manifest of specs
// ([{ paths, weights: [{ name, shape, dtype }] }]), as tf.io writes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tf/index.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../report/files.js';

export interface WeightsManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** Write `weights.bin` and return the manifest (to be stored in the caller's JSON). */
export async function saveWeights(
  dir: string,
  variables: Record<string, tf.Tensor>,
  file = 'weights.bin',
): Promise<WeightsManifestGroup[]> {
  // Logical names (e.g. "policy/w0"), not tfjs's process-unique variable names,
  // so a fresh process can load them.
  const named = Object.entries(variables).map(([name, tensor]) => ({ name, tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  writeFileAtomic(join(dir, file), new Uint8Array(data));
  return [{ paths: [file], weights: specs }];
}

/** Read weights written by saveWeights (or any tfjs weights manifest) into a name → tensor map. */
export function loadWeights(dir: string, manifest: WeightsManifestGroup[]): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  for (const group of manifest) {
    const buffers = group.paths.map((p) => {
      try {
        return readFileSync(join(dir, p));
      } catch {
        throw new UserError(`missing weights file ${join(dir, p)}`);
      }
    });
    const all = Buffer.concat(buffers);
    const expected = group.weights.reduce(
      (n, w) => n + w.shape.reduce((a, b) => a * b, 1) * (w.dtype === 'float32' || w.dtype === 'int32' ? 4 : 1),
      0,
    );
    if (all.byteLength !== expected) {
      throw new UserError(`corrupt weights in ${dir}: expected ${expected} bytes, found ${all.byteLength}`);
    }
    const ab = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
    Object.assign(out, tf.io.decodeWeights(ab, group.weights));
  }
  return out;
}

/** Assign loaded values to variables by logical name; each must be present with its shape. */
export function assignWeights(variables: Record<string, tf.Variable>, values: tf.NamedTensorMap): void {
  for (const [name, v] of Object.entries(variables)) {
    const t = values[name];
    if (!t) throw new UserError(`saved weights have no entry for '${name}'`);
    if (t.shape.join('x') !== v.shape.join('x')) {
      throw new UserError(`saved weight '${name}' has shape [${t.shape}] but the model expects [${v.shape}]`);
    }
    v.assign(t);
  }
}
