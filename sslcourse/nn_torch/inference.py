"""Running a torch model for predictions, with one rule for its mode.

``evaluating(model)``: inside the block the model is in eval mode (no dropout) and no gradients are
kept; afterwards it is back in the mode it was in. Every predict helper of the package uses it.
"""
from __future__ import annotations

import contextlib

import torch

__all__ = ["evaluating", "model_device", "predict"]


@contextlib.contextmanager
def evaluating(model):
    """Eval mode and ``torch.no_grad()`` inside the block; the model's mode restored after it."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        model.train(was_training)


def model_device(model):
    """The device of the model's first parameter (cpu for a model without parameters)."""
    return next((p.device for p in model.parameters()), torch.device("cpu"))


def predict(model, n, batch_size, fn):
    """``fn(rows)`` for consecutive slices ``rows`` of ``n`` items, ``batch_size`` at a time, inside
    ``evaluating(model)``; the results moved to the CPU and concatenated along the first axis."""
    with evaluating(model):
        return torch.cat([fn(slice(i, i + batch_size)).cpu() for i in range(0, n, batch_size)])
