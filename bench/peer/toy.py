"""PyTorch peer of relax-pg's toy step (experiments/toy: trainToy with
TOY_DEFAULTS, one Bernoulli latent, batch 1, through agents/oneStep.ts).

The learner ascends the env's reward f(b) = −(b − 0.499)² (the loss negated)
in one free logit θ. Estimators (src/estimators, control variates from
src/controlVariates), score = b − σ(θ), z = θ + logit(u), b = 1[z > 0]:
  reinforce  ĝ = f(b) score                                     (no baseline)
  rebar      ĝ = (f(b) − c(z̃)) score + ∂θ c(z) − ∂θ c(z̃),  c = η f(σ(·/λ)), η = 1, λ = 0.5 learned
  relax      the same with c = s · Dense(1)(tanh(Dense(10)(2σ(·/λ) − 1))), glorot, s = 0 at start
The control variate follows ∂φ Σ ĝ² / B. Adam (tfjs defaults: β = 0.9, 0.999,
ε 1e-8), lr 0.01 on θ and on the control variate.
"""
import math

import torch

from nets import Mlp, adam, logit, uniforms

TARGET = 0.499
ESTIMATORS = ('reinforce', 'rebar', 'relax')


def reward(S):
    return -((S - TARGET) ** 2).mean(-1)


def conditional(theta, b, v):
    # The same z̃ ~ p(z | b, θ) as the VAE peer's (src/distributions/bernoulli.ts).
    sp = torch.nn.functional.softplus
    z0 = torch.log(v) - sp(-theta) - torch.log1p(-v * torch.sigmoid(-theta))
    z1 = sp(theta) - torch.log1p(-v) + torch.log1p(-(1 - v) * torch.sigmoid(theta))
    return torch.where(b > 0.5, z1, z0)


class Toy:
    def __init__(self, estimator, seed=1, batch=1, latents=1, lr=0.01, cv_lr=0.01):
        if estimator not in ESTIMATORS:
            raise ValueError(f'unknown toy estimator {estimator!r}')
        gen = torch.Generator().manual_seed(seed)
        self.est, self.batch, self.latents = estimator, batch, latents
        self.gen = torch.Generator().manual_seed(seed + 1)
        self.logits = torch.zeros(1, latents, requires_grad=True)
        self.opt = adam([self.logits], lr, 0.999)
        self.log_lam = torch.tensor(math.log(0.5)).requires_grad_()
        if estimator == 'rebar':
            self.eta = torch.tensor(1.0).requires_grad_()
            self.cv = [self.eta, self.log_lam]
        elif estimator == 'relax':
            self.net = Mlp([latents, 10, 1], 'tanh', gen)
            self.scale = torch.tensor(0.0).requires_grad_()
            self.cv = self.net.params + [self.log_lam, self.scale]
        else:
            self.cv = []
        self.cv_opt = adam(self.cv, cv_lr, 0.999) if self.cv else None

    def c(self, zz):
        soft = torch.sigmoid(zz / torch.exp(self.log_lam))
        if self.est == 'rebar':
            return self.eta * reward(soft)
        return self.scale * self.net(2 * soft - 1)[:, 0]

    def step(self, u=None, v=None):
        """One step (uniforms [B, latents] drawn here unless given); returns the batch mean of f(b)."""
        B = self.batch
        if u is None:
            u = uniforms((B, self.latents), self.gen)
            v = uniforms((B, self.latents), self.gen)
        with torch.no_grad():
            theta = self.logits.repeat(B, 1)
            lu = logit(u)
            b = (theta + lu > 0).float()
            score = b - torch.sigmoid(theta)
            fb = reward(b)
        if self.cv_opt is None:
            g = fb[:, None] * score
        else:
            th = theta.clone().requires_grad_()
            cc = self.c(torch.cat([th + lu, conditional(th, b, v)]))
            cz, czt = cc[:B], cc[B:]
            dc = torch.autograd.grad((cz - czt).sum(), th, create_graph=True)[0]
            g = (fb - czt)[:, None] * score + dc
            grads = torch.autograd.grad((g * g).sum() / B, self.cv)
            for p, gp in zip(self.cv, grads):
                p.grad = gp
            self.cv_opt.step()
            g = g.detach()
        self.logits.grad = g.sum(0, keepdim=True) / -B
        self.opt.step()
        return float(fb.mean())
