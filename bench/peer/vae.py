"""PyTorch peer of relax-pg's binary-VAE training step on the linear one-layer
model (experiments/vae/trainer.ts with VAE_DEFAULTS and model 'linear1').

Model (envs/vae/model.ts): encoder logits θ = (x − mean) Wq + bq (784 → 200),
decoder logits l(S) = (2S − 1) Wp + bp (200 → 784, bp starts at logit(mean)),
prior logits pp (start 0), and the ELBO integrand at hard or relaxed S
    f(S) = Σ x·l − softplus(l) + Σ S·pp − softplus(pp) − Σ S·θ − softplus(θ).
Estimators of ĝ ≈ ∂θ E f, per image and latent (score = b − σ(θ)):
  reinforce-baseline  ĝ = (f(b) − m) score, m a moving average (0.99) of mean f(b)
                      that starts at the first batch's mean (step.ts, generic path);
  rebar               ĝ = (f(b) − c(z̃)) score + ∂θ c(z) − ∂θ c(z̃), c = η f(σ(·/λ)) (fast.ts);
  relax-rebar         c = η f(σ(·/λ)) + s·r([x − mean, 2σ(·/λ') − 1]), r 984-200-200-1 ReLU,
                      s and log λ' learned, s starting at 0; decoupled weight decay 1e-3 on r's matrices.
z = θ + logit(u), b = 1[z > 0], z̃ from bernoulli.conditional (v fresh). The control
variate follows ∂φ Σ ĝ² / B. As in fast.ts, ĝ leaves out f's own −score term (zero mean),
and the model's gradients are the closed forms of step.ts / fast.ts: the encoder gets
ĝ back-propagated through θ, decoder and prior get ∂ f(b).
Adam β = (0.9, 0.99999), ε 1e-8: lr 3e-4 on the model, 10 × that on the control variate.
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

from nets import Mlp, adam, glorot, logit, uniforms

PIXELS, LATENTS = 784, 200
DEFAULTS = {'lr': 3e-4, 'cv_lr_scale': 10, 'eta': 1.0, 'temperature': 0.5, 'weight_decay': 1e-3, 'beta2': 0.99999}
ESTIMATORS = ('reinforce-baseline', 'rebar', 'relax-rebar')

_data = {}


def binary_mnist(folder):
    """The first 50,000 training images, binarised once (seeded), and their mean; cached per folder."""
    if folder not in _data:
        with open(os.path.join(folder, 'train-images-idx3-ubyte'), 'rb') as fh:
            raw = fh.read()
        count = int.from_bytes(raw[4:8], 'big')
        grey = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, PIXELS)[:50_000] / 255.0
        x = (np.random.default_rng(0).random(grey.shape) < grey).astype(np.float32)
        _data[folder] = (torch.from_numpy(x), torch.from_numpy(x.mean(0, dtype=np.float64).astype(np.float32)))
    return _data[folder]


def conditional(theta, b, v):
    """z̃ ~ p(z | b, θ) in log space, the formula of src/distributions/bernoulli.ts."""
    z0 = torch.log(v) - F.softplus(-theta) - torch.log1p(-v * torch.sigmoid(-theta))
    z1 = F.softplus(theta) - torch.log1p(-v) + torch.log1p(-(1 - v) * torch.sigmoid(theta))
    return torch.where(b > 0.5, z1, z0)


class LinearVae:
    def __init__(self, estimator, mean, seed=1, cfg=None):
        if estimator not in ESTIMATORS:
            raise ValueError(f'unknown VAE estimator {estimator!r}')
        self.cfg = dict(DEFAULTS, **(cfg or {}))
        gen = torch.Generator().manual_seed(seed)
        self.est, self.mean = estimator, mean
        self.Wq = glorot(gen, PIXELS, LATENTS).requires_grad_()
        self.bq = torch.zeros(LATENTS).requires_grad_()
        self.Wp = glorot(gen, LATENTS, PIXELS).requires_grad_()
        m = mean.clamp(0.001, 0.999)
        self.bp = torch.log(m / (1 - m)).requires_grad_()
        self.pp = torch.zeros(LATENTS).requires_grad_()
        self.model = [self.Wq, self.bq, self.Wp, self.bp, self.pp]
        lr, beta2 = self.cfg['lr'], self.cfg['beta2']
        self.opt = adam(self.model, lr, beta2)
        self.baseline = None
        self.cv = []
        if estimator != 'reinforce-baseline':
            self.eta = torch.tensor(self.cfg['eta']).requires_grad_()
            self.log_lam = torch.tensor(math.log(self.cfg['temperature'])).requires_grad_()
            self.cv = [self.eta, self.log_lam]
            self.res = None
            if estimator == 'relax-rebar':
                self.res = Mlp([PIXELS + LATENTS, 200, 200, 1], 'relu', gen)
                self.res_log_lam = torch.tensor(math.log(self.cfg['temperature'])).requires_grad_()
                self.res_scale = torch.tensor(0.0).requires_grad_()
                self.cv += self.res.params + [self.res_log_lam, self.res_scale]
            self.cv_opt = adam(self.cv, lr * self.cfg['cv_lr_scale'], beta2)

    def f(self, x, S, theta, const):
        """f(S) per row; `const` = Σ softplus(θ) − Σ softplus(pp) per row (θ's and the prior's normalisers)."""
        lx = torch.addmm(self.bp.detach(), 2 * S - 1, self.Wp.detach())
        return (x * lx - F.softplus(lx)).sum(1) + (S * (self.pp.detach() - theta)).sum(1) + const

    def residual(self, xc, zz):
        """s · r([x − mean, 2σ(z/λ') − 1]) for zz = [z; z̃]; x's share of the first layer is computed once."""
        W1 = self.res.weights[0]
        soft = 2 * torch.sigmoid(zz / torch.exp(self.res_log_lam)) - 1
        first = (xc @ W1[:PIXELS]).repeat(2, 1) + torch.addmm(self.res.biases[0], soft, W1[PIXELS:])
        return self.res_scale * self.res(None, first=first)[:, 0]

    def estimate(self, x, xc, u, v):
        """ĝ (differentiable in the control variate when it has one), f(b), b."""
        B = x.shape[0]
        with torch.no_grad():
            theta = torch.addmm(self.bq, xc, self.Wq)
            lu = logit(u)
            b = (theta + lu > 0).float()
            score = b - torch.sigmoid(theta)
            const = F.softplus(theta).sum(1) - F.softplus(self.pp).sum()
        if self.est == 'reinforce-baseline':
            with torch.no_grad():
                fb = self.f(x, b, theta, const)
            base = self.baseline if self.baseline is not None else 0.0
            return (fb - base)[:, None] * score, fb, b
        th = theta.clone().requires_grad_()
        z = th + lu
        zt = conditional(th, b, v)
        lam = torch.exp(self.log_lam)
        S = torch.cat([b, torch.sigmoid(z / lam), torch.sigmoid(zt / lam)])
        f3 = self.f(x.repeat(3, 1), S, th.repeat(3, 1), const.repeat(3))
        fb, fz, fzt = f3[:B].detach(), f3[B:2 * B], f3[2 * B:]
        cz, czt = self.eta * fz, self.eta * fzt
        if self.res is not None:
            r = self.residual(xc, torch.cat([z, zt]))
            cz, czt = cz + r[:B], czt + r[B:]
        dc = torch.autograd.grad((cz - czt).sum(), th, create_graph=True)[0]
        return (fb - czt)[:, None] * score + dc, fb, b

    def step(self, x, u, v=None):
        """One training step on images x [B, 784] with uniforms u, v [B, 200]; returns mean f(b)."""
        B = x.shape[0]
        xc = x - self.mean
        g, fb, b = self.estimate(x, xc, u, v)
        if self.cv:
            grads = torch.autograd.grad((g * g).sum() / B, self.cv)
            for p, gp in zip(self.cv, grads):
                p.grad = gp
            self.cv_opt.step()
            g = g.detach()
        with torch.no_grad():
            # Descent directions, closed form: −∂/∂ψ of (ĝ·θ(ψ) + f(b)) / B.
            lx = torch.addmm(self.bp, 2 * b - 1, self.Wp)
            r = x - torch.sigmoid(lx)
            self.Wq.grad = xc.t() @ g / -B
            self.bq.grad = g.sum(0) / -B
            self.Wp.grad = (2 * b - 1).t() @ r / -B
            self.bp.grad = r.sum(0) / -B
            self.pp.grad = (b - torch.sigmoid(self.pp)).sum(0) / -B
        self.opt.step()
        if self.cv and self.res is not None:
            decay = 1 - self.cfg['lr'] * self.cfg['cv_lr_scale'] * self.cfg['weight_decay']
            with torch.no_grad():
                for w in self.res.weights:
                    w.mul_(decay)
        mean_f = float(fb.mean())
        if self.est == 'reinforce-baseline':
            self.baseline = mean_f if self.baseline is None else 0.99 * self.baseline + 0.01 * mean_f
        return mean_f


class VaeWorkload:
    """Training steps on shuffled batches of the fixed binarisation, noise drawn each step."""

    def __init__(self, estimator, batch, data, seed=1):
        self.x, mean = binary_mnist(data)
        self.vae = LinearVae(estimator, mean, seed)
        self.batch = batch
        self.gen = torch.Generator().manual_seed(seed + 1)
        self.order, self.at = torch.randperm(self.x.shape[0], generator=self.gen), 0

    def step(self):
        B = self.batch
        if self.at + B > self.order.shape[0]:
            self.order, self.at = torch.randperm(self.x.shape[0], generator=self.gen), 0
        x = self.x[self.order[self.at:self.at + B]]
        self.at += B
        u = uniforms((B, LATENTS), self.gen)
        v = uniforms((B, LATENTS), self.gen) if self.vae.cv else None
        return self.vae.step(x, u, v)
