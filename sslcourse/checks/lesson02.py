"""Checkers for the exercises of lesson 02 (solutions/02_exercises.ipynb): gradients by hand.

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use.
"""
from __future__ import annotations

import numpy as np

from ._core import Case, Mistake, check_function

__all__ = ["check_linear_backward", "check_masked_cross_entropy", "check_embedding_backward"]

_RNG_SEED = 202


# ---- linear_backward: out = x @ W + b
def _linear_backward(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)  # (N, D), (D, M), (M,)


def _linear_dW_transposed(dout, x, W):
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


def _linear_db_mean(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


def _linear_dx_without_transpose(dout, x, W):
    return dout @ W, x.T @ dout, dout.sum(axis=0)


def _linear_cases():
    rng = np.random.default_rng(_RNG_SEED)
    x, W, dout = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    xs, Ws, douts = rng.standard_normal((3, 3)), rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    return [Case("x (4, 3), W (3, 5)", (dout, x, W)),
            Case("a batch of one row", (dout[:1], x[:1], W)),
            Case("square W (3, 3), where a transpose does not change the shape", (douts, xs, Ws))]


def check_linear_backward(linear_backward):
    """Check ``linear_backward(dout, x, W) -> (dx, dW, db)``."""
    mistakes = [
        Mistake(_linear_dW_transposed, "dW is transposed: it must have W's shape (D, M), "
                "so it is x.T @ dout, not dout.T @ x."),
        Mistake(_linear_db_mean, "db averages over the batch: the bias is added to every row, so its "
                "gradient is the sum of dout over the rows."),
        Mistake(_linear_dx_without_transpose, "dx uses W instead of W.T: dx must have x's shape "
                "(N, D), so it is dout @ W.T."),
    ]
    return check_function("linear_backward", linear_backward, _linear_backward, _linear_cases(),
                          mistakes=mistakes, outputs=("dx", "dW", "db"),
                          hint="each gradient has the shape of what it is the gradient of: "
                               "dx = dout @ W.T, dW = x.T @ dout, db = dout summed over rows.")


# ---- masked_cross_entropy: the loss on hidden positions only, and its gradient
def _masked_cross_entropy(logits, targets, mask):
    n = mask.sum()
    shifted = logits - logits.max(axis=-1, keepdims=True)  # (N, L, V), never overflows
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, targets[..., None], axis=-1)[..., 0]  # (N, L)
    loss = -picked[mask].sum() / n
    onehot = np.arange(logits.shape[-1]) == targets[..., None]  # (N, L, V)
    dlogits = (np.exp(log_probs) - onehot) * mask[..., None] / n
    return float(loss), dlogits


def _ce_all_positions(logits, targets, mask):
    return _masked_cross_entropy(logits, targets, np.ones_like(mask))


def _ce_mean_over_all(logits, targets, mask):
    loss, dlogits = _masked_cross_entropy(logits, targets, mask)
    return loss * mask.sum() / mask.size, dlogits * mask.sum() / mask.size


def _ce_flipped(logits, targets, mask):
    return _masked_cross_entropy(logits, targets, ~mask)


def _ce_grad_unmasked(logits, targets, mask):
    loss, _ = _masked_cross_entropy(logits, targets, mask)
    full, dfull = _masked_cross_entropy(logits, targets, np.ones_like(mask))
    return loss, dfull * mask.size / mask.sum()


def _ce_no_onehot(logits, targets, mask):
    loss, dlogits = _masked_cross_entropy(logits, targets, mask)
    onehot = np.arange(logits.shape[-1]) == targets[..., None]
    return loss, dlogits + onehot * mask[..., None] / mask.sum()


def _ce_cases():
    rng = np.random.default_rng(_RNG_SEED + 1)
    logits, targets = rng.standard_normal((2, 4, 6)), rng.integers(0, 6, size=(2, 4))
    mask = np.array([[True, False, False, True], [False, True, False, False]])
    one = np.zeros((2, 4), bool)
    one[1, 2] = True
    return [Case("2 sentences of 4 words, 3 hidden", (logits, targets, mask)),
            Case("a single hidden word", (logits, targets, one)),
            Case("huge logits (1000): subtract the max before exp", (logits * 1000, targets, mask))]


def check_masked_cross_entropy(masked_cross_entropy):
    """Check ``masked_cross_entropy(logits, targets, mask) -> (loss, dlogits)``."""
    mistakes = [
        Mistake(_ce_all_positions, "the loss counts the visible positions too: average -log p(target) "
                "over the positions where mask is True only."),
        Mistake(_ce_mean_over_all, "the sum over hidden positions is divided by all N * L positions: "
                "divide by the number of hidden positions, mask.sum()."),
        Mistake(_ce_flipped, "the mask polarity is flipped: True means hidden, and the hidden positions "
                "are the ones scored."),
        Mistake(_ce_grad_unmasked, "dlogits is not zero at visible positions: multiply it by "
                "mask[..., None] (they do not take part in the loss)."),
        Mistake(_ce_no_onehot, "dlogits forgets the target: it is (softmax - onehot(target)) / n at "
                "hidden positions."),
    ]
    with np.errstate(all="ignore"):  # an overflowing exp is reported in the message, not as a warning
        return check_function("masked_cross_entropy", masked_cross_entropy, _masked_cross_entropy, _ce_cases(),
                              mistakes=mistakes, outputs=("loss", "dlogits"),
                              hint="log-softmax over the last axis (subtract the max first), pick the target's "
                                   "entry, average over hidden positions; dlogits = (softmax - onehot) * mask / n.")


# ---- embedding_backward: rows looked up by id collect their gradients
def _embedding_backward(dout, ids, vocab_size):
    dE = np.zeros((vocab_size, dout.shape[-1]))
    np.add.at(dE, ids, dout)  # a word seen twice gets both gradients
    return dE


def _embedding_overwrite(dout, ids, vocab_size):
    dE = np.zeros((vocab_size, dout.shape[-1]))
    dE[ids] += dout
    return dE


def _embedding_mean(dout, ids, vocab_size):
    counts = np.bincount(ids.ravel(), minlength=vocab_size)[:, None]
    return _embedding_backward(dout, ids, vocab_size) / np.maximum(counts, 1)


def _embedding_cases():
    rng = np.random.default_rng(_RNG_SEED + 2)
    unique = np.array([[4, 1, 0]])
    repeated = np.array([[2, 5, 2, 2], [5, 0, 3, 2]])
    return [Case("3 different ids", (rng.standard_normal((1, 3, 2)), unique, 6)),
            Case("ids that repeat within and across sentences", (rng.standard_normal((2, 4, 3)), repeated, 7)),
            Case("words never seen keep a zero gradient", (rng.standard_normal((1, 2, 2)), np.array([[1, 1]]), 5))]


def check_embedding_backward(embedding_backward):
    """Check ``embedding_backward(dout, ids, vocab_size) -> dE``."""
    mistakes = [
        Mistake(_embedding_overwrite, "with dE[ids] += dout, a word seen twice keeps only one of its "
                "gradients: use np.add.at(dE, ids, dout), which adds them all."),
        Mistake(_embedding_mean, "the gradients of a repeated word are averaged: they must be added."),
    ]
    return check_function("embedding_backward", embedding_backward, _embedding_backward, _embedding_cases(),
                          mistakes=mistakes,
                          hint="start from zeros (vocab_size, D) and add row dout[n, l] into row ids[n, l].")
