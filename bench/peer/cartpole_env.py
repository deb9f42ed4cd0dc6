"""CartPole-v1 in plain Python, for the whole-episode peer where Gymnasium is
not installed (it is not packaged for Debian 12).

The dynamics are Barto, Sutton & Anderson's (1983) with Gymnasium's
constants and Euler step, in the same operation order as relax-pg's
envs/classic/cartpole.ts; the reset draws four uniforms in [-0.05, 0.05)
from numpy's default_rng(seed), the generator Gymnasium seeds, so episodes
start where Gymnasium's do. It is one object with no wrappers (Gymnasium's
make() adds a time limit, order enforcing and a passive checker), so a step
here costs less than Gymnasium's: the comparison only gets harder for
relax-pg.
"""
import math

import numpy as np

GRAVITY, MASSCART, MASSPOLE, LENGTH, FORCE_MAG, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
TOTAL_MASS = MASSPOLE + MASSCART
POLEMASS_LENGTH = MASSPOLE * LENGTH
THETA_THRESHOLD = 12 * 2 * math.pi / 360
X_THRESHOLD = 2.4
MAX_STEPS = 500


class CartPoleV1:
    def __init__(self):
        self.rng = np.random.default_rng()
        self.state = None
        self.t = 0

    def reset(self, seed=None):
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.state = [float(s) for s in self.rng.uniform(-0.05, 0.05, size=4)]
        self.t = 0
        return np.array(self.state, dtype=np.float32), {}

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = FORCE_MAG if action == 1 else -FORCE_MAG
        cos, sin = math.cos(theta), math.sin(theta)
        temp = (force + POLEMASS_LENGTH * theta_dot * theta_dot * sin) / TOTAL_MASS
        theta_acc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - MASSPOLE * cos * cos / TOTAL_MASS))
        x_acc = temp - POLEMASS_LENGTH * theta_acc * cos / TOTAL_MASS
        x, x_dot = x + TAU * x_dot, x_dot + TAU * x_acc
        theta, theta_dot = theta + TAU * theta_dot, theta_dot + TAU * theta_acc
        self.state = [x, x_dot, theta, theta_dot]
        self.t += 1
        terminated = x < -X_THRESHOLD or x > X_THRESHOLD or theta < -THETA_THRESHOLD or theta > THETA_THRESHOLD
        return np.array(self.state, dtype=np.float32), 1.0, terminated, self.t >= MAX_STEPS, {}
