"""The env peers: whole CartPole-v1 training episodes (acting with the float64
policy copy, then one update, as PolicyGradientAgent.iterate does) and raw
env steps per second. Episodes run on Gymnasium's CartPole-v1 when Gymnasium
is installed, else on cartpole_env.py's (same dynamics and reset stream, no
wrappers); env rates are Gymnasium's own and need it.
"""
import time

import numpy as np

from cartpole import ACTIONS, Agent
from cartpole_env import CartPoleV1

try:
    import gymnasium as gym
    VERSION, ERROR = gym.__version__, None
except Exception as e:  # not packaged for Debian 12
    gym, VERSION, ERROR = None, None, f'{type(e).__name__}: {e}'

EPISODE_ENV = f'Gymnasium {VERSION} CartPole-v1' if gym else 'bench/peer/cartpole_env.py (Gymnasium absent)'


class EpisodeWorkload:
    """One step = one episode on CartPole-v1 and the update from it; `steps` counts env steps.
    Each run restarts from a fresh agent (same seed), so every round times the same first episodes."""

    def __init__(self, kind, seed=1):
        self.kind, self.first_seed, self.steps = kind, seed, 0
        self.env = gym.make('CartPole-v1') if gym else CartPoleV1()
        self.restart()

    def restart(self):
        self.agent = Agent(self.kind, self.first_seed)
        self.seed = self.first_seed

    def step(self):
        obs, _ = self.env.reset(seed=self.seed)
        self.seed = None
        S, B, U, R = [], [], [], []
        done = False
        while not done:
            a, u = self.agent.act(obs)
            S.append(obs)
            U.append(u)
            B.append(a)
            obs, r, term, trunc, _ = self.env.step(a)
            R.append(r)
            done = term or trunc
        b = np.zeros((len(B), ACTIONS), dtype=np.float32)
        b[np.arange(len(B)), B] = 1.0
        self.steps += len(B)
        self.agent.update(np.asarray(S, dtype=np.float32), b, np.asarray(U, dtype=np.float32), np.asarray(R, dtype=np.float32))


def env_rates(env_id, seconds, slices=10):
    """Steps per second of unwrapped.step and of the made env (reset at once when done), best of
    `slices` interleaved slices, per CPU second when that is shorter (bench/envs.ts measures the same way)."""
    if gym is None:
        raise RuntimeError(f'Gymnasium not available ({ERROR})')
    made = gym.make(env_id)
    made.reset(seed=0)
    made.action_space.seed(1)
    actions = [made.action_space.sample() for _ in range(1024)]
    raw = gym.make(env_id)
    raw.reset(seed=0)
    envs = [raw.unwrapped, made]

    def run(env, ms):
        steps, k = 0, 0
        start, cpu0 = time.perf_counter(), time.process_time()
        while (time.perf_counter() - start) * 1000 < ms:
            for _ in range(64):
                _, _, term, trunc, _ = env.step(actions[k & 1023])
                k += 1
                if term or trunc:
                    env.reset()
            steps += 64
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
        return steps / min(wall, cpu if cpu > 0 else wall)

    for e in envs:
        run(e, min(200, 1000 * seconds / slices))
    best = [0.0, 0.0]
    for _ in range(slices):
        for i, e in enumerate(envs):
            best[i] = max(best[i], run(e, 1000 * seconds / slices))
    return {'direct': best[0], 'make': best[1]}
