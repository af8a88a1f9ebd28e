"""One optimiser update from a loss: the step every torch trainer of the package shares."""
from __future__ import annotations

__all__ = ["optimizer_step"]


def optimizer_step(optimizer, loss):
    """Zero the gradients, backpropagate ``loss``, step ``optimizer``; returns the detached loss."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.detach()
