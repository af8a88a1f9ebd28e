"""Torch twins of ``sc.nn_numpy.layers``: the same names, arguments, shapes and mask polarity.

Autograd writes the backward passes, so each twin is only the forward and returns a tensor
(``softmax_cross_entropy`` returns the loss alone: ``loss.backward()`` gives ``dlogits``).
Shape letters: N batch, L tokens, D width, V vocabulary. Masks: True = hidden (scored);
``key_mask``: True = padding (never attended to).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .checks import check_tensor

__all__ = ["attention", "softmax_cross_entropy"]


def _check_same_shape(x, name, shape, fix):
    if tuple(x.shape) != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {tuple(x.shape)}. {fix}")


def _check_attention(x, Wq, Wk, Wv, Wo, causal):
    check_tensor(x, "x", ndim=3, kind="float")
    Ws = {"Wq": Wq, "Wk": Wk, "Wv": Wv, "Wo": Wo}
    for name, W in Ws.items():
        check_tensor(W, name, ndim=2, kind="float")
    D, Dk, Dv = x.shape[2], Wq.shape[1], Wv.shape[1]
    fix = f"With x of shape (N, L, D), D = {D}: Wq, Wk are (D, Dk), Wv is (D, Dv), Wo is (Dv, D)."
    for (name, W), shape in zip(Ws.items(), ((D, Dk), (D, Dk), (D, Dv), (Dv, D))):
        _check_same_shape(W, name, shape, fix)
    if not isinstance(causal, bool):
        raise TypeError(
            f"causal must be True or False, got {type(causal).__name__}. "
            f"To hide padding, pass it by name: key_mask=..."
        )


def attention(x, Wq, Wk, Wv, Wo, causal=False, *, key_mask=None):
    """Single-head self-attention, ``softmax(q k^T / sqrt(Dk)) v Wo`` (twin of ``attention_forward``).

    Parameters
    ----------
    x : Tensor (N, L, D)
    Wq, Wk : Tensor (D, Dk)
    Wv : Tensor (D, Dv)
    Wo : Tensor (Dv, D)
    causal : bool, if True position i attends only to positions <= i
    key_mask : bool Tensor (N, L) or None, True = padding, never attended to

    Returns
    -------
    out : Tensor (N, L, D)
    """
    _check_attention(x, Wq, Wk, Wv, Wo, causal)
    N, L, _ = x.shape
    q, k, v = x @ Wq, x @ Wk, x @ Wv  # (N, L, D) x (D, Dk) -> (N, L, Dk); v is (N, L, Dv)
    scores = (q @ k.transpose(1, 2)) / math.sqrt(Wq.shape[1])  # (N, L, Dk) x (N, Dk, L) -> (N, L, L)
    blocked = torch.zeros(1, L, L, dtype=torch.bool, device=x.device)
    if causal:
        blocked = blocked | torch.ones(L, L, dtype=torch.bool, device=x.device).triu(1)
    if key_mask is not None:
        check_tensor(key_mask, "key_mask", kind="bool")
        _check_same_shape(key_mask, "key_mask", (N, L), "It marks the padding of each row of x.")
        blocked = blocked | key_mask[:, None, :]  # (N, 1, L): key j is padding
    # As in numpy: the most negative float, not -inf, so an all-blocked row attends uniformly.
    scores = scores.masked_fill(blocked, torch.finfo(scores.dtype).min)
    probs = scores.softmax(dim=-1)  # (N, L, L), each row sums to 1
    return (probs @ v) @ Wo  # (N, L, L) x (N, L, Dv) -> (N, L, Dv); x (Dv, D) -> (N, L, D)


def softmax_cross_entropy(logits, targets, mask=None):
    """Mean cross-entropy over the hidden positions (twin of the numpy one, loss only).

    Parameters
    ----------
    logits : Tensor (..., V)
    targets : int Tensor (...), each in [0, V)
    mask : bool Tensor (...) or None, True = hidden (scored); None scores every position

    Returns
    -------
    loss : scalar Tensor, mean of ``-log p(target)`` where mask is True; ``loss.backward()``
        gives the gradient the numpy version returns as ``dlogits``
    """
    check_tensor(logits, "logits", kind="float")
    check_tensor(targets, "targets", kind="int")
    fix = "Give one target id per position: logits is (..., V) and targets is (...)."
    _check_same_shape(targets, "targets", logits.shape[:-1], fix)
    V = logits.shape[-1]
    if targets.numel() and (targets.min() < 0 or targets.max() >= V):
        raise ValueError(
            f"targets must hold ids in [0, {V}) for logits over {V} words, got "
            f"{int(targets[(targets < 0) | (targets >= V)][0])}. Use the model's vocabulary."
        )
    if mask is None:
        return F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
    check_tensor(mask, "mask", kind="bool")
    _check_same_shape(mask, "mask", targets.shape, "mask marks the hidden positions of targets.")
    if not mask.any():
        raise ValueError(
            "mask has no True position, so no position is hidden and there is nothing to "
            "score. Hide at least one position (True = hidden), or pass mask=None to score all."
        )
    return F.cross_entropy(logits[mask], targets[mask])  # (M, V), (M,): mean over hidden
