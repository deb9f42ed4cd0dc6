"""The PyTorch peers as one long-lived process, driven by bench/ratio/peer.ts
over JSON lines (one request per stdin line, one reply per stdout line), so
imports, data loading and warm-up happen once and the two sides can take
turns round by round.

First line out: {"ok": true, "torch": ..., "blas": ..., "gymnasium": ... | null, "episodeEnv": ...} or, when
torch cannot be imported, {"ok": false, "error": ...} (then exit).
Requests:  {"op": "open", "workload": W, "args": {...}}  -> {"ok": true, "handle": h}
           {"op": "run", "handle": h, "steps": n}         -> {"ok": true, "ms": total, "steps": env steps (episodes)}
           {"op": "rates", "env": id, "seconds": s}       -> {"ok": true, "direct": ..., "make": ...}
           {"op": "close", "handle": h}, {"op": "quit"}
Run it with OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1 (one thread, like wasm).
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def reply(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


try:
    import numpy
    import torch
    import cartpole
    import toy
    import vae
    import gym_peer
except Exception as e:  # no torch / numpy: the bench prints relax-pg's side only
    reply({'ok': False, 'error': f'{type(e).__name__}: {e}'})
    sys.exit(0)

GYM, GYM_ERROR = gym_peer.VERSION, gym_peer.ERROR


def blas_library():
    """The BLAS torch loaded, from this process's mappings after one product (Debian picks it by alternatives)."""
    torch.ones(8, 8) @ torch.ones(8, 8)
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if '.so' in line}
    except OSError:
        return None
    for path in sorted(paths):
        name = os.path.basename(path)
        if any(k in name for k in ('openblas', 'blis', 'mkl_rt', 'libblas')):
            # Debian's reference BLAS and OpenBLAS both ship libblas.so.3: the directory tells them apart.
            return os.path.basename(os.path.dirname(path)) + '/' + name if name.startswith('libblas') else name
    return None


def open_workload(name, a):
    if name == 'vae':
        return vae.VaeWorkload(a['estimator'], int(a['batch']), a['data'], a.get('seed', 1))
    if name == 'toy':
        return toy.Toy(a['estimator'], a.get('seed', 1))
    if name == 'cartpole-update':
        return cartpole.UpdateWorkload(a['agent'], int(a['T']), a.get('seed', 1))
    if name == 'cartpole-episode':
        return gym_peer.EpisodeWorkload(a['agent'], a.get('seed', 1))
    raise ValueError(f'unknown workload {name!r}')


def run(w, steps):
    if hasattr(w, 'restart'):
        w.restart()  # untimed: the workload times the same steps every round
    before = getattr(w, 'steps', 0)
    t0 = time.perf_counter()
    for _ in range(steps):
        w.step()
    ms = (time.perf_counter() - t0) * 1000
    return {'ms': ms, 'steps': getattr(w, 'steps', 0) - before}


def main():
    reply({'ok': True, 'torch': torch.__version__, 'numpy': numpy.__version__, 'threads': torch.get_num_threads(),
           'blasThreads': os.environ.get('OPENBLAS_NUM_THREADS'), 'blas': blas_library(), 'gymnasium': GYM, 'gymnasiumError': GYM_ERROR,
           'episodeEnv': gym_peer.EPISODE_ENV})
    handles, next_handle = {}, 1
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            op = req['op']
            if op == 'quit':
                reply({'ok': True})
                break
            if op == 'open':
                handles[next_handle] = open_workload(req['workload'], req.get('args', {}))
                reply({'ok': True, 'handle': next_handle})
                next_handle += 1
            elif op == 'run':
                reply({'ok': True, **run(handles[req['handle']], int(req['steps']))})
            elif op == 'rates':
                if GYM is None:
                    raise RuntimeError(f'Gymnasium not available ({GYM_ERROR})')
                reply({'ok': True, **gym_peer.env_rates(req['env'], float(req['seconds']))})
            elif op == 'close':
                handles.pop(req['handle'], None)
                reply({'ok': True})
            else:
                raise ValueError(f'unknown op {op!r}')
        except Exception as e:
            reply({'ok': False, 'error': f'{type(e).__name__}: {e}'})


if __name__ == '__main__':
    main()
