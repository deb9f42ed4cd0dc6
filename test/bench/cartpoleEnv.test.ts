// The whole-episode peer's own CartPole (bench/peer/cartpole_env.py, used
// where Gymnasium is absent) against relax-pg's CartPole-v1: from the same
// start states, the same observations, rewards and ends, step for step. (The
// start states themselves come from different generators: numpy's PCG64
// there, as Gymnasium; relax-pg's seeded stream here.)
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pythonCommand } from '../../bench/ratio/peer.js';
import { make } from '../../envs/index.js';

const peerDir = join(import.meta.dirname, '../../bench/peer');
const python = pythonCommand();
const hasNumpy = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

// Actions from a fixed pattern, so both sides take the same ones; three start states, whole episodes.
const script = (starts: number[][]) => `
import json, sys
import numpy as np
sys.path.insert(0, ${JSON.stringify(peerDir)})
from cartpole_env import CartPoleV1
env, out = CartPoleV1(), []
for start in ${JSON.stringify(starts)}:
    env.reset(seed=0)
    env.state = list(start)
    rows, t, done = [np.array(start, dtype=np.float32).tolist()], 0, False
    while not done:
        obs, r, term, trunc, _ = env.step((t * 7 // 3) % 2)
        rows.append(obs.tolist() + [r, term, trunc])
        t, done = t + 1, term or trunc
    out.append(rows)
print(json.dumps(out))
`;

describe.skipIf(!hasNumpy)(`bench/peer/cartpole_env.py (${python})`, () => {
  it('steps exactly as relax-pg CartPole-v1', () => {
    const env = make('CartPole-v1');
    const starts = [0, 1, 42].map((seed) => {
      env.reset({ seed });
      return Array.from((env.unwrapped as unknown as { state: Float64Array }).state);
    });
    const r = spawnSync(python, ['-c', script(starts)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const peer = JSON.parse(r.stdout) as number[][][];
    starts.forEach((start, e) => {
      env.reset({ seed: [0, 1, 42][e] });
      const rows: (number | boolean)[][] = [Array.from(Float32Array.from(start))];
      for (let t = 0, done = false; !done; t++) {
        const s = env.step(Math.floor((t * 7) / 3) % 2);
        rows.push([...Array.from(s[0] as Float32Array), s[1], s[2], s[3]]);
        done = s[2] || s[3];
      }
      expect(rows.length).toBeGreaterThan(5);
      expect(peer[e]).toEqual(rows);
    });
  });
});
if (!hasNumpy) console.warn(`cartpoleEnv.test.ts: skipped (no numpy for ${python})`);
