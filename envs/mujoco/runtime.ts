/**
 * Loading MuJoCo's WebAssembly module (mujoco-js) once per process.
 *
 * Design: loading is lazy and explicit. Importing `relax-pg/envs` (or this
 * folder's `register.ts`) only registers ids; it does not touch the 11 MB
 * module. The first `await mujocoReady()` imports and instantiates it
 * (measured here: ~130 ms import + ~200 ms instantiation, ~70 MB resident),
 * and every later call returns the same module. MuJoCo environments are
 * constructed synchronously (so `make` stays synchronous, as in Gymnasium)
 * and throw a `UserError` that says what to do if the module is not loaded yet:
 *
 *     await mujocoReady();
 *     const env = make('InvertedPendulum-v5');
 *
 * Models are compiled from MJCF text written to the module's in-memory
 * filesystem (MjModel.loadFromXML reads a path), once per distinct text.
 */
import type { MainModule, MjModel } from 'mujoco-js';
import { UserError } from '../../src/errors.js';

let loading: Promise<MainModule> | null = null;
let loaded: MainModule | null = null;
const models = new Map<string, MjModel>();
const MODEL_DIR = '/relax-pg-models';

/** Load MuJoCo's WebAssembly module (once); resolves to the module. */
export function mujocoReady(): Promise<MainModule> {
  if (loading === null) {
    loading = (async () => {
      const factory = (await import('mujoco-js')).default;
      const mj = await factory();
      mj.FS.mkdir(MODEL_DIR);
      loaded = mj;
      return mj;
    })();
    // A failed load can be retried.
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Whether `mujocoReady()` has finished. */
export function isMujocoLoaded(): boolean {
  return loaded !== null;
}

/** The loaded module, or a UserError naming the env that needed it. */
export function mujocoModule(envName: string): MainModule {
  if (loaded === null) {
    throw new UserError(
      `${envName} needs MuJoCo's WebAssembly module: run \`await mujocoReady()\` (exported by relax-pg/envs) once before creating it`,
    );
  }
  return loaded;
}

/** The compiled model for an MJCF text, shared by every env built from the same text. */
export function compiledModel(mj: MainModule, name: string, xml: string): MjModel {
  const cached = models.get(xml);
  if (cached !== undefined) return cached;
  const path = `${MODEL_DIR}/${name}-${models.size}.xml`;
  mj.FS.writeFile(path, xml);
  let model: MjModel;
  try {
    model = mj.MjModel.loadFromXML(path);
  } catch (e) {
    throw new Error(`MuJoCo could not compile the ${name} model: ${e instanceof Error ? e.message : String(e)}`);
  }
  models.set(xml, model);
  return model;
}
