"""Optimisers in numpy: SGD with momentum and Adam, the same updates as torch.optim.

Parameters live in a dict name -> ndarray; ``step(grads)`` takes a dict with the
same names and updates every parameter array in place.
"""
from __future__ import annotations

import math

import numpy as np

from .._validation import check_array, check_ratio


class _Optimizer:
    """Holds the parameters and checks the gradients handed to ``step``."""

    def __init__(self, params, lr):
        if not isinstance(params, dict) or not params:
            raise TypeError(
                f"params must be a non-empty dict of name -> ndarray, got {type(params).__name__}. "
                f"Pass the model's parameters, for example {{'W': W, 'b': b}}."
            )
        for name, p in params.items():
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise TypeError(
                    f"params[{name!r}] must be a float ndarray (updated in place), "
                    f"got {type(p).__name__}. Store it with np.asarray(value, dtype=np.float64)."
                )
        self.params = params
        self.lr = check_ratio(lr, "lr", high=math.inf)

    def _check_grads(self, grads):
        if not isinstance(grads, dict) or set(grads) != set(self.params):
            got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
            raise ValueError(
                f"grads must be a dict with the same names as params, {sorted(self.params)}, "
                f"got {got}. Return one gradient per parameter from the backward pass."
            )
        checked = {}
        for name, p in self.params.items():
            g = checked[name] = check_array(grads[name], f"grads[{name!r}]", dtype_kind="f")
            if g.shape != p.shape:
                raise ValueError(
                    f"grads[{name!r}] must have the shape of params[{name!r}], {p.shape}, "
                    f"got {g.shape}. Check which gradient goes with which parameter."
                )
        return checked


class SGD(_Optimizer):
    """Stochastic gradient descent with optional momentum (as ``torch.optim.SGD``).

    ``v = momentum * v + g``, then ``p -= lr * v``; with momentum 0, ``p -= lr * g``.

    Parameters
    ----------
    params : dict of name -> float ndarray
    lr : float, the learning rate
    momentum : float in [0, 1)
    """

    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr)
        self.momentum = check_ratio(momentum, "momentum", inclusive=(True, False))
        self.velocity = {name: np.zeros_like(p) for name, p in params.items()}

    def step(self, grads):
        """Update every parameter in place from ``grads`` (dict name -> ndarray)."""
        for name, g in self._check_grads(grads).items():
            if self.momentum:
                v = self.velocity[name]
                v *= self.momentum
                v += g
                g = v
            self.params[name] -= self.lr * g


class Adam(_Optimizer):
    """Adam (as ``torch.optim.Adam``; weight decay is added to the gradient, not AdamW).

    ``m, v`` = running means of ``g`` and ``g**2``, bias-corrected after ``t`` steps;
    ``p -= lr * m_hat / (sqrt(v_hat) + eps)``.

    Parameters
    ----------
    params : dict of name -> float ndarray
    lr : float, the learning rate
    betas : (float, float) in [0, 1), decay of the two running means
    eps : float, added to the denominator
    weight_decay : float, L2 penalty coefficient
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair of numbers like (0.9, 0.999), got {betas!r}.")
        self.betas = tuple(check_ratio(b, f"betas[{i}]", inclusive=(True, False))
                           for i, b in enumerate(betas))
        self.eps = check_ratio(eps, "eps", high=math.inf)
        self.weight_decay = check_ratio(weight_decay, "weight_decay", high=math.inf,
                                        inclusive=(True, False))
        self.t = 0
        self.m = {name: np.zeros_like(p) for name, p in params.items()}
        self.v = {name: np.zeros_like(p) for name, p in params.items()}

    def step(self, grads):
        """Update every parameter in place from ``grads`` (dict name -> ndarray)."""
        grads = self._check_grads(grads)
        beta1, beta2 = self.betas
        self.t += 1
        correction1 = 1 - beta1**self.t
        correction2 = 1 - beta2**self.t
        for name, p in self.params.items():
            g = grads[name] + self.weight_decay * p if self.weight_decay else grads[name]
            self.m[name] = beta1 * self.m[name] + (1 - beta1) * g
            self.v[name] = beta2 * self.v[name] + (1 - beta2) * g**2
            denom = np.sqrt(self.v[name]) / math.sqrt(correction2) + self.eps
            p -= (self.lr / correction1) * self.m[name] / denom
