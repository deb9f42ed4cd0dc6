"""PyTorch peer of relax-pg's CartPole agents (agents/: createAgent('a2c' |
'relax', env, {seed}) with DEFAULTS of agents/config.ts): one update from one
episode (agents/update.ts), and acting with a float64 copy of the policy.

Policy 4-10-10-2 ReLU, orthogonal init (gain √2, output gain 0.01); A2C's
V(s) 4-10-10-1 ReLU orthogonal; RELAX's c_φ(z, s) = MLP([s, softmax(z/τ)])
6-10-10-1 ReLU glorot, log τ from 0. Returns-to-go with γ = 0.99 (episodes
here end by termination: no bootstrap). Per step, score = b − softmax(θ):
  a2c    ĝ_t = (R_t − V(s_t)) score; V fitted to R by mean squared error;
  relax  ĝ_t = (R_t − c(z̃_t, s_t)) score + ∂θ c(z_t, s_t) − ∂θ c(z̃_t, s_t),
         z = log softmax θ − log(−log u), z̃ from categorical.conditional (v fresh);
         c_φ follows ∂φ ‖∂ψ Σ_t θ_t(ψ)·ĝ_t / T‖² over the policy's parameters ψ.
The policy ascends (Σ_t θ_t·ĝ_t + 0.01 Σ_t H(π(·|s_t))) / episodes. One Adam each for
policy, V and c_φ: lr 0.01, β = (0.9, 0.99999), ε 1e-8.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from nets import Mlp, adam, UNIFORM_EPS

GAMMA, ENTROPY, LR, BETA2 = 0.99, 0.01, 0.01, 0.99999
OBS, ACTIONS = 4, 2


def returns_to_go(rewards):
    out, acc = np.empty(len(rewards), dtype=np.float32), 0.0
    for t in range(len(rewards) - 1, -1, -1):
        acc = float(rewards[t]) + GAMMA * acc
        out[t] = acc
    return out


def conditional(theta, b, v):
    """z̃ ~ p(z | argmax z = b) for z = log softmax θ + Gumbel (src/distributions/categorical.ts)."""
    lnl = torch.log(-torch.log(v))
    C = (b * lnl).sum(-1, keepdim=True)
    others = -(C + F.softplus(lnl - F.log_softmax(theta, -1) - C))
    return b * -C + (1 - b) * others


class Agent:
    def __init__(self, kind, seed=1):
        if kind not in ('a2c', 'relax'):
            raise ValueError(f'unknown CartPole agent {kind!r}')
        gen = torch.Generator().manual_seed(seed)
        self.kind = kind
        self.rng = np.random.default_rng(seed)
        self.pi = Mlp([OBS, 10, 10, ACTIONS], 'relu', gen, init='orthogonal', out_gain=0.01)
        self.opt = adam(self.pi.params, LR, BETA2)
        if kind == 'a2c':
            self.value = Mlp([OBS, 10, 10, 1], 'relu', gen, init='orthogonal')
            self.value_opt = adam(self.value.params, LR, BETA2)
        else:
            self.cv = Mlp([OBS + ACTIONS, 10, 10, 1], 'relu', gen)
            self.log_tau = torch.tensor(0.0).requires_grad_()
            self.cv_params = self.cv.params + [self.log_tau]
            self.cv_opt = adam(self.cv_params, LR, BETA2)
        self.refresh()

    def refresh(self):
        """The float64 copy acting uses (relax-pg's Policy.refresh after every update)."""
        self.np_layers = [(w.detach().double().numpy().copy(), b.detach().double().numpy().copy())
                          for w, b in zip(self.pi.weights, self.pi.biases)]

    def act(self, obs):
        """Gumbel-max on the logits: the action, its one-hot b and the clamped uniforms that drew it."""
        h = np.asarray(obs, dtype=np.float64)
        for i, (w, b) in enumerate(self.np_layers):
            h = h @ w + b
            if i + 1 < len(self.np_layers):
                h = np.maximum(h, 0.0)
        u = np.clip(self.rng.random(ACTIONS), UNIFORM_EPS, 1 - UNIFORM_EPS)
        a = int(np.argmax(h - np.log(-np.log(u))))
        return a, u

    def relax_estimate(self, S, theta_psi, b, u, R, v=None):
        T = S.shape[0]
        if v is None:
            v = np.clip(self.rng.random((T, ACTIONS)), UNIFORM_EPS, 1 - UNIFORM_EPS).astype(np.float32)
        v = torch.from_numpy(v)
        theta = theta_psi.detach()
        th = theta.clone().requires_grad_()
        z = F.log_softmax(th, -1) - torch.log(-torch.log(u))
        soft = torch.softmax(torch.cat([z, conditional(th, b, v)]) / torch.exp(self.log_tau), -1)
        c = self.cv(torch.cat([S.repeat(2, 1), soft], 1))[:, 0]
        cz, czt = c[:T], c[T:]
        dc = torch.autograd.grad((cz - czt).sum(), th, create_graph=True)[0]
        g = (R - czt)[:, None] * (b - torch.softmax(theta, -1)) + dc
        jg = torch.autograd.grad((theta_psi * g).sum() / T, self.pi.params, create_graph=True)
        variance = sum((j * j).sum() for j in jg)
        grads = torch.autograd.grad(variance, self.cv_params, retain_graph=True)
        for p, gp in zip(self.cv_params, grads):
            p.grad = gp
        self.cv_opt.step()
        return g.detach(), float(variance)

    def update(self, obs, b, u, rewards, episodes=1, v=None):
        """One update from a rollout (numpy: obs [T, 4], one-hot b [T, 2], uniforms u [T, 2], rewards [T]);
        v: RELAX's uniforms for z̃ (drawn here unless given). Returns what relax-pg's update reports:
        RELAX's variance objective, else the squared norm of the policy's gradient."""
        S, b, u = torch.from_numpy(obs), torch.from_numpy(b), torch.from_numpy(u)
        R = torch.from_numpy(returns_to_go(rewards))
        theta_psi = self.pi(S)
        variance = None
        if self.kind == 'relax':
            g, variance = self.relax_estimate(S, theta_psi, b, u, R, v)
        else:
            with torch.no_grad():
                values = self.value(S)[:, 0]
                g = (R - values)[:, None] * (b - torch.softmax(theta_psi, -1))
        logp = F.log_softmax(theta_psi, -1)
        entropy = -(logp.exp() * logp).sum()
        loss = -((theta_psi * g).sum() + ENTROPY * entropy) / episodes
        grads = torch.autograd.grad(loss, self.pi.params)
        for p, gp in zip(self.pi.params, grads):
            p.grad = gp
        self.opt.step()
        norm = float(sum((gp * gp).sum() for gp in grads))
        if self.kind == 'a2c':
            # Targets: advantages + V = R (λ = 1, no bootstrap).
            value_loss = ((self.value(S)[:, 0] - R) ** 2).mean()
            for p, gp in zip(self.value.params, torch.autograd.grad(value_loss, self.value.params)):
                p.grad = gp
            self.value_opt.step()
        self.refresh()
        return norm if variance is None else variance


def synthetic_episode(agent, T, rng):
    """T steps near upright ((U − ½)·0.2 per coordinate), actions drawn by the policy, reward 1 each."""
    obs = ((rng.random((T, OBS)) - 0.5) * 0.2).astype(np.float32)
    b = np.zeros((T, ACTIONS), dtype=np.float32)
    u = np.empty((T, ACTIONS), dtype=np.float32)
    for t in range(T):
        a, u[t] = agent.act(obs[t])
        b[t, a] = 1.0
    return obs, b, u, np.ones(T, dtype=np.float32)


class UpdateWorkload:
    """Updates cycling through 8 pre-drawn episodes of exactly T steps (as relax-pg's side does)."""

    def __init__(self, kind, T, seed=1):
        self.agent = Agent(kind, seed)
        rng = np.random.default_rng(seed + 1)
        self.episodes = [synthetic_episode(self.agent, T, rng) for _ in range(8)]
        self.i = 0

    def step(self):
        self.agent.update(*self.episodes[self.i % 8])
        self.i += 1
