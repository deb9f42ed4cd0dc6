// One workload measured in interleaved rounds: relax-pg, peer, relax-pg,
// peer, … Both sides warm up first (untimed, same number of units) and then
// time the same number of units per round; that number comes from relax-pg's
// warm-up pace so a round takes about roundMs. Load drifts on a shared
// machine; taking turns exposes both sides to the same drift.
import { loadavg } from 'node:os';
import type { Measured } from './result.js';
import type { PeerProcess } from './peer.js';
import { unitsPerRound } from './stats.js';
import type { Raw, Runner } from './sides.js';
import type { PeerSpec, Workload } from './workloads.js';

export interface MeasureOptions {
  rounds: number;
  roundMs: number;
}

/** The peer side of a workload as a Runner (open once, step n per call). */
export async function peerRunner(peer: PeerProcess, spec: PeerSpec): Promise<Runner> {
  if ('rates' in spec) {
    return {
      async run() {
        const t0 = performance.now();
        const r = await peer.rates(spec.rates, spec.seconds);
        return { ms: performance.now() - t0, ...r };
      },
      close: () => undefined,
    };
  }
  const handle = await peer.open(spec.open, spec.args);
  return {
    run: (n) => peer.run(handle, n) as Promise<Raw>,
    close: () => peer.close(handle).catch(() => undefined),
  };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 160);

/**
 * Measure `w`; the peer runs when given and able to (else a note says why not).
 * A failing peer costs its figures and leaves a note; a failing relax-pg side throws.
 */
export async function measure(w: Workload, peer: PeerProcess | undefined, options: MeasureOptions): Promise<Measured> {
  const out: Measured = { key: w.key, unit: w.unit, relax: [], load: loadavg()[0] };
  const relax = w.relax();
  let other: Runner | undefined;
  // Without a peer process at all the caller prints the one reason, once.
  if (peer && w.needsGym && !peer.info.gymnasium) out.note = 'peer skipped: Gymnasium not installed';
  else if (peer) {
    try {
      other = await peerRunner(peer, w.peer);
    } catch (e) {
      out.note = `peer failed: ${message(e)}`;
    }
  }
  const dropPeer = async (e: unknown) => {
    out.note = `peer failed: ${message(e)}`;
    await other?.close();
    other = undefined;
    out.peer = undefined;
  };
  try {
    let n = 1;
    if (w.warmup > 0) {
      const warm = await relax.run(w.warmup);
      n = unitsPerRound(warm.ms / w.warmup, options.roundMs, w.min, w.max);
      await other?.run(w.warmup).catch(dropPeer);
    }
    out.timed = n;
    if (other) out.peer = [];
    for (let r = 0; r < options.rounds; r++) {
      out.relax.push(w.figure(await relax.run(n), n));
      if (other) {
        try {
          out.peer!.push(w.figure(await other.run(n), n));
        } catch (e) {
          await dropPeer(e);
        }
      }
    }
  } finally {
    await relax.close();
    await other?.close();
  }
  return out;
}
