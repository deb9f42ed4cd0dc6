"""Pieces every PyTorch peer shares: relax-pg's initialisers, its Adam, its
uniform clamp, and a small MLP held as plain tensors (so relax-pg's own
weights can be copied in, to check that both sides compute the same thing).

Weights are stored [fan_in, fan_out] and applied as x @ W + b, the layout of
relax-pg's src/nn/mlp.ts, so arrays copy across without transposes.
"""
import math

import torch

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:  # already set in this process
    pass

UNIFORM_EPS = 1e-6  # src/distributions/types.ts clamps every uniform to [1e-6, 1 - 1e-6]


def uniforms(shape, gen):
    return torch.rand(*shape, generator=gen).clamp_(UNIFORM_EPS, 1 - UNIFORM_EPS)


def logit(u):
    return torch.log(u) - torch.log1p(-u)


def glorot(gen, fan_in, fan_out, gain=1.0):
    lim = math.sqrt(6.0 / (fan_in + fan_out))
    return ((torch.rand(fan_in, fan_out, generator=gen) * 2 - 1) * (lim * gain)).contiguous()


def orthogonal(gen, fan_in, fan_out, gain=1.0):
    # QR of a Gaussian matrix; semi-orthogonal rows or columns like relax-pg's Gram-Schmidt.
    a = torch.randn(max(fan_in, fan_out), min(fan_in, fan_out), generator=gen)
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r))
    w = q if fan_in >= fan_out else q.t()
    return (w * gain).contiguous()


def adam(params, lr, beta2):
    # tfjs's Adam and torch's agree: m̂ / (√v̂ + ε), ε = 1e-8.
    return torch.optim.Adam(params, lr=lr, betas=(0.9, beta2), eps=1e-8)


class Mlp:
    """sizes [in, hidden..., out]; hidden activation `act`, linear output; glorot or orthogonal init."""

    def __init__(self, sizes, act, gen, init='glorot', out_gain=1.0):
        self.act = {'relu': torch.relu, 'tanh': torch.tanh}[act]
        self.weights, self.biases = [], []
        for i in range(len(sizes) - 1):
            last = i + 2 == len(sizes)
            gain = out_gain if last else (math.sqrt(2) if init == 'orthogonal' else 1.0)
            make = orthogonal if init == 'orthogonal' else glorot
            self.weights.append(make(gen, sizes[i], sizes[i + 1], gain).requires_grad_())
            self.biases.append(torch.zeros(sizes[i + 1]).requires_grad_())

    @property
    def params(self):
        return [p for pair in zip(self.weights, self.biases) for p in pair]

    def __call__(self, x, start=0, first=None):
        """Layers from `start`; `first` replaces layer `start`'s pre-activation (a split first layer)."""
        h = x
        for i in range(start, len(self.weights)):
            h = first if (i == start and first is not None) else torch.addmm(self.biases[i], h, self.weights[i])
            if i + 1 < len(self.weights):
                h = self.act(h)
        return h
