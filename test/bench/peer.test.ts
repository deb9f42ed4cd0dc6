import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PeerProcess, pythonCommand, referenceBlas } from '../../bench/ratio/peer.js';
import { measure } from '../../bench/ratio/measure.js';
import { summarise } from '../../bench/ratio/result.js';
import type { Workload } from '../../bench/ratio/workloads.js';

const fake = join(import.meta.dirname, 'fakePeer.mjs');
const startFake = (mode: string) => {
  process.env.FAKE_PEER_MODE = mode;
  return PeerProcess.start({ python: process.execPath, script: fake, timeoutMs: 20_000 });
};

/** A workload whose relax-pg side costs 4 ms per unit (reported, not timed) and logs its calls. */
function fakeWorkload(calls: number[]): Workload {
  return {
    group: 'estimators',
    section: 'toy',
    key: 'fake.w',
    label: ['w'],
    unit: 'ms',
    warmup: 5,
    min: 3,
    max: 50,
    relax: () => ({
      run: async (n) => {
        calls.push(n);
        return { ms: 4 * n };
      },
      close: () => undefined,
    }),
    peer: { open: 'fake', args: {} },
    figure: (raw, n) => ({ value: raw.ms / n }),
  };
}

afterEach(() => {
  delete process.env.FAKE_PEER_MODE;
  delete process.env.FAKE_PEER_BLAS;
});

describe('the peer\'s BLAS', () => {
  it('is reported at greeting, and Debian\'s reference BLAS is told from OpenBLAS by its directory', async () => {
    for (const [blas, reference] of [['openblas-pthread/libblas.so.3', false], ['blas/libblas.so.3', true]] as const) {
      process.env.FAKE_PEER_BLAS = blas;
      const peer = await startFake('ok');
      expect(peer).toBeInstanceOf(PeerProcess);
      expect((peer as PeerProcess).info.blas).toBe(blas);
      expect(referenceBlas((peer as PeerProcess).info)).toBe(reference);
      await (peer as PeerProcess).quit();
    }
  });
});

describe('PyTorch peer process', () => {
  it('python command: option, then $RELAX_PG_PEER_PYTHON, then a default', () => {
    expect(pythonCommand('/opt/py', { RELAX_PG_PEER_PYTHON: '/env/py' })).toBe('/opt/py');
    expect(pythonCommand(undefined, { RELAX_PG_PEER_PYTHON: '/env/py' })).toBe('/env/py');
    expect(['/usr/bin/python3', 'python3']).toContain(pythonCommand(undefined, {}));
  });

  it('skips with one line when python is missing', async () => {
    expect(await PeerProcess.start({ python: '/nonexistent/python3' })).toEqual({ skip: '/nonexistent/python3 not found' });
    process.env.RELAX_PG_PEER_PYTHON = '/nonexistent/from-env';
    try {
      expect(await PeerProcess.start()).toEqual({ skip: '/nonexistent/from-env not found' });
    } finally {
      delete process.env.RELAX_PG_PEER_PYTHON;
    }
  });

  it('skips when torch cannot be imported, or the peer dies before greeting', async () => {
    const notorch = await startFake('notorch');
    expect(notorch).toEqual({ skip: expect.stringContaining("torch not importable by") });
    expect((notorch as { skip: string }).skip).toContain("No module named 'torch'");
    const crash = await startFake('crash');
    expect((crash as { skip: string }).skip).toMatch(/exited \(code 3\): boom/);
  });

  it('interleaves rounds: both sides warm up, then time the same units per round', async () => {
    const peer = await startFake('ok');
    expect(peer).toBeInstanceOf(PeerProcess);
    const calls: number[] = [];
    const m = await measure(fakeWorkload(calls), peer as PeerProcess, { rounds: 3, roundMs: 40 });
    await (peer as PeerProcess).quit();
    // Warm-up of 5 units at 4 ms each: 40 ms rounds are 10 units.
    expect(calls).toEqual([5, 10, 10, 10]);
    expect(m.timed).toBe(10);
    expect(m.relax.map((f) => f.value)).toEqual([4, 4, 4]);
    expect(m.peer!.map((f) => f.value)).toEqual([2, 2, 2]);
    expect(summarise(m)).toMatchObject({ relax: 4, peer: 2, ratio: 2, range: [2, 2] });
  });

  it('without a peer, or when the peer dies, relax-pg is still measured and the reason noted', async () => {
    const alone = await measure(fakeWorkload([]), undefined, { rounds: 2, roundMs: 40 });
    expect(alone.relax).toHaveLength(2);
    expect(alone.peer).toBeUndefined();
    const peer = (await startFake('die')) as PeerProcess;
    const m = await measure(fakeWorkload([]), peer, { rounds: 3, roundMs: 40 });
    expect(m.relax).toHaveLength(3);
    expect(m.peer).toBeUndefined();
    expect(m.note).toMatch(/^peer failed: peer exited/);
    expect(summarise(m).ratio).toBeUndefined();
    await peer.quit();
  });
});
