"""What a training run gives back, numpy's (``sc.nn_numpy.train``) and torch's (``sc.train.train``)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import check_int

__all__ = ["History"]


@dataclass(frozen=True, repr=False)
class History:
    """What happened during training.

    Attributes
    ----------
    losses : tuple of float, the training loss (nats per hidden word) of every step
    eval_steps : tuple of int, the steps after which the model was scored
    eval_accuracy, eval_cross_entropy : tuple of float, its score on ``eval_task`` then
    device : str, where it trained (left out of the repr and of ==: it differs from machine to machine)
    seconds : float, the wall time of the loop (left out likewise)
    """

    losses: tuple
    eval_steps: tuple = ()
    eval_accuracy: tuple = ()
    eval_cross_entropy: tuple = ()
    device: str = field(default="cpu", compare=False)
    seconds: float = field(default=0.0, compare=False)

    def __repr__(self):
        return f"History({len(self.losses)} steps, {len(self.eval_steps)} evaluations)"

    def smoothed_losses(self, window=50):
        """Running mean of the losses over ``window`` steps (shorter at the start): (steps,)."""
        window = check_int(window, "window", minimum=1)
        c = np.cumsum(np.concatenate([[0.0], self.losses]))
        i = np.arange(1, len(self.losses) + 1)
        start = np.maximum(0, i - window)
        return (c[i] - c[start]) / (i - start)
