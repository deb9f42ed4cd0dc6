// BinaryVae (BinaryVAE-v0) as the VAE trainer's environment: the trainer
// uses the env's model and its epoch-wise shuffled batches, and the options
// that pass the data, the latents and the initialisation stream through.
import { describe, it, expect } from 'vitest';
import { Rng, stream } from '../../src/random/index.js';
import { BinaryVae, BinaryVaeModel } from '../../envs/vae/binaryVae.js';
import { BinaryMnist, PIXELS } from '../../envs/vae/mnist.js';
import { VaeTrainer } from '../../experiments/vae/train.js';
import { VAE_DEFAULTS } from '../../experiments/vae/run.js';
import { fakeMnist } from './fixtures.js';

const data = new BinaryMnist(fakeMnist(30, 5, 5), 'fixed', 1);

describe('BinaryVae batches and options', () => {
  it('batch k is fixed by k alone; each epoch visits every training image once, in its own order', () => {
    const env = new BinaryVae({ data, batch: 4, shuffleSeed: 9, latents: 3 });
    const other = new BinaryVae({ data, batch: 4, shuffleSeed: 9, latents: 3 });
    // Any order of requests gives the same batches.
    expect(env.batchIndices(20)).toEqual(other.batchIndices(20));
    expect(env.batchIndices(3)).toEqual(other.batchIndices(3));
    const firstEpoch = Array.from({ length: 15 }, (_, k) => env.batchIndices(k)).flat();
    expect([...firstEpoch.slice(0, 30)].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(firstEpoch.slice(30, 60)).not.toEqual(firstEpoch.slice(0, 30));
    expect([...firstEpoch.slice(30, 60)].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(new BinaryVae({ data, batch: 4, shuffleSeed: 10 }).batchIndices(0)).not.toEqual(env.batchIndices(0));
    const x = env.trainingBatch(2, new Rng(1));
    expect(x.length).toBe(4 * PIXELS);
    expect(Array.from(x.subarray(0, PIXELS))).toEqual(Array.from(data.train.subarray(env.batchIndices(2)[0] * PIXELS, (env.batchIndices(2)[0] + 1) * PIXELS)));
    expect(env.model.latents).toBe(3);
    env.close();
    other.close();
  });

  it('the model comes from the given initialisation stream, which the caller can continue', () => {
    const rng = stream(5, 'init');
    const env = new BinaryVae({ data, latents: 4, initRng: rng });
    const direct = new BinaryVaeModel({ model: 'linear1', dataMean: data.trainMean, rng: stream(5, 'init'), latents: 4 });
    const flat = (m: BinaryVaeModel) => m.variables.flatMap((v) => Array.from(v.dataSync()));
    expect(flat(env.model)).toEqual(flat(direct));
    // The stream was advanced by the model's draws, not replaced.
    expect(rng.state()).not.toEqual(stream(5, 'init').state());
    env.close();
    direct.dispose();
  });

  it("the trainer trains the env's model on the env's batches", () => {
    const trainer = new VaeTrainer({ ...VAE_DEFAULTS, latents: 4, residualHidden: [4], batch: 4 }, data, 'reinforce-baseline', 2);
    expect(trainer.model).toBe(trainer.env.model);
    expect(trainer.data).toBe(data);
    const same = new BinaryVae({ data, batch: 4, shuffleSeed: 2, latents: 1 });
    expect(trainer.env.batchIndices(0)).toEqual(same.batchIndices(0));
    same.close();
    const before = trainer.model.variables.map((v) => Array.from(v.dataSync()));
    trainer.step();
    expect(trainer.model.variables.map((v) => Array.from(v.dataSync()))).not.toEqual(before);
    expect(trainer.counters).toEqual({ steps: 1, updates: 1, episodes: 4 });
    trainer.dispose();
  });
});
