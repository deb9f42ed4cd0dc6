// The PyTorch peers (bench/peer/server.py) as one long-lived Python child,
// spoken to in JSON lines. Long-lived so torch's import, MNIST and each
// workload's warm-up are paid once, outside the timed rounds, and the two
// sides can take turns. No python, or no torch: a one-line reason, and the
// bench goes on with relax-pg's side only.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** server.py beside this file's source, from bench/ratio/ or from dist/bench/ratio/. */
export function peerScript(): string {
  const candidates = [resolve(here, '../peer/server.py'), resolve(here, '../../../bench/peer/server.py')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/** --python, else $RELAX_PG_PEER_PYTHON, else Debian's /usr/bin/python3 (its torch is not on a pyenv python3), else python3. */
export function pythonCommand(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? env.RELAX_PG_PEER_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

export interface PeerInfo {
  torch: string;
  numpy: string;
  threads: number;
  /** The BLAS library torch loaded (e.g. openblas-pthread/libblas.so.3; blas/libblas.so.3 is Debian's unoptimised reference BLAS). */
  blas?: string | null;
  gymnasium: string | null;
  gymnasiumError: string | null;
  /** What the whole-episode peer steps: Gymnasium's CartPole-v1, or bench/peer/cartpole_env.py without it. */
  episodeEnv?: string;
}

/** Debian's reference BLAS: a peer on it runs products several times slower than OpenBLAS, so its ratios flatter relax-pg. */
export function referenceBlas(info: PeerInfo): boolean {
  return info.blas === 'blas/libblas.so.3';
}

export type Reply = Record<string, unknown> & { ok: boolean; error?: string };

export class PeerProcess {
  private readonly waiting: ((r: Reply) => void)[] = [];
  private stderr = '';
  private exited?: string;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly info: PeerInfo,
  ) {}

  /** Start the peer; resolves to it, or to a one-line reason it cannot run (never rejects). */
  static start(options: { python?: string; script?: string; timeoutMs?: number } = {}): Promise<PeerProcess | { skip: string }> {
    const python = pythonCommand(options.python);
    const script = options.script ?? peerScript();
    return new Promise((done) => {
      let child: ChildProcessWithoutNullStreams;
      let settled = false;
      const settle = (v: PeerProcess | { skip: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if ('skip' in v) child.kill();
        done(v);
      };
      try {
        // One thread for torch's BLAS and OpenMP pools, like single-threaded wasm.
        const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
        child = spawn(python, [script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (e) {
        done({ skip: `cannot start ${python}: ${(e as Error).message}` });
        return;
      }
      const timer = setTimeout(() => settle({ skip: `${python} did not answer within ${(options.timeoutMs ?? 60_000) / 1000} s` }), options.timeoutMs ?? 60_000);
      let stderr = '';
      child.stdin.on('error', () => undefined); // a dead child shows up as its exit, not as EPIPE
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child.on('error', (e: NodeJS.ErrnoException) => settle({ skip: e.code === 'ENOENT' ? `${python} not found` : `${python}: ${e.message}` }));
      child.on('exit', (code) => settle({ skip: `${python} exited (code ${code})${stderr ? `: ${lastLine(stderr)}` : ''}` }));
      const lines = createInterface({ input: child.stdout });
      let peer: PeerProcess | undefined;
      lines.on('line', (line) => {
        let msg: Reply;
        try {
          msg = JSON.parse(line) as Reply;
        } catch {
          return; // not ours (a stray print); the protocol's lines are JSON
        }
        if (peer) {
          peer.waiting.shift()?.(msg);
          return;
        }
        if (!msg.ok) {
          settle({ skip: `torch not importable by ${python} (${msg.error})` });
          return;
        }
        peer = new PeerProcess(child, msg as unknown as PeerInfo);
        child.removeAllListeners('exit');
        child.on('exit', (code) => peer!.fail(`peer exited (code ${code})${peer!.stderr ? `: ${lastLine(peer!.stderr)}` : ''}`));
        child.stderr.on('data', (d: Buffer) => (peer!.stderr = (peer!.stderr + d.toString()).slice(-4000)));
        settle(peer);
      });
    });
  }

  private fail(reason: string): void {
    this.exited = reason;
    for (const w of this.waiting.splice(0)) w({ ok: false, error: reason });
  }

  /** One request, one reply (requests are answered in order). Rejects on { ok: false }. */
  async request(msg: Record<string, unknown>): Promise<Reply> {
    if (this.exited) throw new Error(this.exited);
    const reply = await new Promise<Reply>((res) => {
      this.waiting.push(res);
      this.child.stdin.write(`${JSON.stringify(msg)}\n`);
    });
    if (!reply.ok) throw new Error(reply.error ?? 'peer error');
    return reply;
  }

  async open(workload: string, args: Record<string, unknown>): Promise<number> {
    return (await this.request({ op: 'open', workload, args })).handle as number;
  }

  /** n steps of an open workload: total wall ms (and env steps, for episodes). */
  async run(handle: number, steps: number): Promise<{ ms: number; steps: number }> {
    const r = await this.request({ op: 'run', handle, steps });
    return { ms: r.ms as number, steps: r.steps as number };
  }

  async rates(env: string, seconds: number): Promise<{ direct: number; make: number }> {
    const r = await this.request({ op: 'rates', env, seconds });
    return { direct: r.direct as number, make: r.make as number };
  }

  async close(handle: number): Promise<void> {
    await this.request({ op: 'close', handle });
  }

  async quit(): Promise<void> {
    if (!this.exited) await this.request({ op: 'quit' }).catch(() => undefined);
    this.child.stdin.end();
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1].slice(0, 200);
}
