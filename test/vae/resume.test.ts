// A VAE run killed part-way and resumed from its folder in a fresh trainer
// writes the same metrics.jsonl, byte for byte, as one that was never
// interrupted — log rows (whose running means span the checkpoint), the
// log-variance rows and the evaluation rows — and the same result and best
// model; no row is written twice and a killed write's leftovers are removed.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpointState } from '../../src/nn/index.js';
import { readMetrics } from '../../src/report/index.js';
import type { MetricRow } from '../../agents/learn.js';
import { BinaryMnist } from '../../envs/vae/mnist.js';
import { VaeTrainer, trainVae, type VaeTrack, type VaeTrainConfig } from '../../experiments/vae/train.js';
import { VAE_DEFAULTS } from '../../experiments/vae/run.js';
import { fakeMnist } from './fixtures.js';
import { tempDir } from '../helpers.js';

const data = new BinaryMnist(fakeMnist(200, 40, 40), 'fixed', 1);
// Checkpoints every 7 steps, log rows every 5: a checkpoint falls inside a log window.
const config: VaeTrainConfig = {
  ...VAE_DEFAULTS,
  latents: 16,
  residualHidden: [16],
  lr: 3e-3,
  steps: 22,
  logEvery: 5,
  varianceEvery: 4,
  varianceSamples: 3,
  evalEvery: 6,
  evalImages: 20,
  checkpointEvery: 7,
  iwaeSamples: 3,
  iwaeImages: 5,
};

class Killed extends Error {}

/** One run in `dir` in a fresh trainer; `kill` throws after the row it picks was written, as a crash there would. */
async function run(dir: string, estimator: string, resume: boolean, kill?: (row: MetricRow) => boolean): Promise<VaeTrack | undefined> {
  const trainer = new VaeTrainer(config, data, estimator, 7);
  try {
    return await trainVae(trainer, { runDir: dir, resume, onRow: (row) => { if (kill?.(row)) throw new Killed(); } });
  } catch (e) {
    if (e instanceof Killed) return undefined;
    throw e;
  } finally {
    trainer.dispose();
  }
}

const timeless = (t: VaeTrack) => ({ ...t, trainMs: 0, final: { ...t.final!, msPerStep: 0 } });

describe('a killed VAE run resumes to the uninterrupted result', () => {
  for (const [estimator, model] of [['relax-rebar', 'linear1'], ['relax-rebar', 'linear2'], ['muprop', 'linear2']] as const) {
    it(`${estimator} on ${model}`, async () => {
      Object.assign(config, { model });
      const straight = tempDir('relax-pg-vae-straight-');
      const whole = await run(straight, estimator, false);

      const killed = tempDir('relax-pg-vae-killed-');
      // Killed just after step 16's variance row: the last checkpoint is at step 14.
      expect(await run(killed, estimator, false, (r) => r.step === 16 && 'logVariance' in r)).toBeUndefined();
      expect(readCheckpointState<{ counters: { steps: number } }>(killed).counters.steps).toBe(14);
      expect(readMetrics(join(killed, 'metrics.jsonl')).some((r) => (r.step as number) > 14)).toBe(true);
      // What a save killed mid-write leaves: a temp file and a weights generation no json names.
      writeFileSync(join(killed, `.checkpoint.json.${process.pid}.0badbeef.tmp`), '{"half');
      writeFileSync(join(killed, 'checkpoint-zzzzzz-ffff.bin'), Buffer.from([1, 2, 3]));
      // Killed again at the end-of-run evaluation (step 22 is off the evaluation cadence), after the checkpoint at 21.
      expect(await run(killed, estimator, true, (r) => r.step === 22 && 'validElbo' in r)).toBeUndefined();
      expect(readdirSync(killed).filter((f) => f.endsWith('.tmp') || f === 'checkpoint-zzzzzz-ffff.bin')).toEqual([]);
      const resumed = await run(killed, estimator, true);

      const text = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
      expect(text(killed)).toBe(text(straight));
      const rows = readMetrics(join(straight, 'metrics.jsonl'));
      // The rows are what the cadences ask for, each once.
      const steps = (key: string) => rows.filter((r) => key in r).map((r) => r.step);
      expect(steps('trainElbo')).toEqual([5, 10, 15, 20, 22]);
      expect(steps('logVariance')).toEqual([0, 4, 8, 12, 16, 20]);
      expect(steps('validElbo')).toEqual([6, 12, 18, 22]);
      expect(timeless(resumed!)).toEqual(timeless(whole!));
      expect(readFileSync(join(killed, 'best/weights.bin'))).toEqual(readFileSync(join(straight, 'best/weights.bin')));
    });
  }

  it('a resumed finished run evaluates nothing twice; a fresh start in the folder drops the old rows', async () => {
    Object.assign(config, { model: 'linear1' });
    const dir = tempDir('relax-pg-vae-done-');
    const first = await run(dir, 'rebar', false);
    const text = readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
    const again = await run(dir, 'rebar', true);
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toBe(text);
    expect(again!.validElbo).toEqual(first!.validElbo);
    await run(dir, 'rebar', false);
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toBe(text);
  });
});
