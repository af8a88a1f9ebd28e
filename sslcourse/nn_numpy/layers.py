"""Neural-network layers in numpy, written out by hand (cs231n style).

Each layer is a pair: ``*_forward(...) -> (out, cache)`` and
``*_backward(dout, cache) -> gradients``, one gradient per float input, in the
forward's argument order; ``dout`` is the gradient of the loss with respect to ``out``.
Shape letters: N batch, L tokens, D width, M output width, V vocabulary.
Every layer keeps its input's float dtype, so float64 gradient checks are exact enough.
"""
from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .._validation import check_array, check_ids, check_mask, check_ratio

AttentionCache = namedtuple("AttentionCache", "x Wq Wk Wv Wo q k v probs ctx blocked scale")  # read by name
_GELU_C = math.sqrt(2.0 / math.pi)


def _check_shape(a, name, shape, fix):
    if tuple(a.shape) != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {a.shape}. {fix}")
    return a


def _check_dout(dout, shape):
    fix = "Pass the gradient of the loss with respect to the forward's output."
    return _check_shape(check_array(dout, "dout", dtype_kind="f"), "dout", shape, fix)


def _weight_grad(x, dout):
    """Gradient of a weight used as ``x @ W``: (..., D), (..., M) -> (D, M)."""
    x2, dout2 = x.reshape(-1, x.shape[-1]), dout.reshape(-1, dout.shape[-1])  # (NL, D), (NL, M)
    return x2.T @ dout2  # (D, NL) x (NL, M) -> (D, M)


def linear_forward(x, W, b):
    """Affine map ``out = x @ W + b`` on the last axis.

    Parameters
    ----------
    x : ndarray (..., D)
    W : ndarray (D, M)
    b : ndarray (M,)

    Returns
    -------
    out : ndarray (..., M)
    cache : tuple, for ``linear_backward``
    """
    x = check_array(x, "x", min_ndim=1, dtype_kind="f")
    W = check_array(W, "W", ndim=2, dtype_kind="f")
    b = check_array(b, "b", ndim=1, dtype_kind="f")
    if W.shape[0] != x.shape[-1]:
        raise ValueError(
            f"W must have shape (D, M) with D = {x.shape[-1]}, the size of x's last axis, "
            f"got W of shape {W.shape}. Check the layer sizes (or use W.T if W is (M, D))."
        )
    _check_shape(b, "b", (W.shape[1],), "b holds one bias per column of W.")
    out = x @ W + b  # (..., D) x (D, M) -> (..., M)
    return out, (x, W)


def linear_backward(dout, cache):
    """Gradients of ``linear_forward``: dout (..., M) -> (dx (..., D), dW (D, M), db (M,))."""
    x, W = cache
    dout = _check_dout(dout, x.shape[:-1] + (W.shape[1],))
    dx = dout @ W.T  # (..., M) x (M, D) -> (..., D)
    db = dout.reshape(-1, W.shape[1]).sum(axis=0)  # (NL, M) -> (M,)
    return dx, _weight_grad(x, dout), db


def embedding_forward(ids, E):
    """Look up one row of ``E`` per id.

    Parameters
    ----------
    ids : int ndarray (...), each in [0, V)
    E : ndarray (V, D)

    Returns
    -------
    out : ndarray (..., D)
    cache : tuple, for ``embedding_backward``
    """
    E = check_array(E, "E", ndim=2, dtype_kind="f")
    ids = check_ids(ids, "ids", E.shape[0])
    return E[ids], (ids, E.shape)  # (...) -> (..., D)


def embedding_backward(dout, cache):
    """Gradient of ``embedding_forward``: dout (..., D) -> dE (V, D)."""
    ids, shape = cache
    dout = _check_dout(dout, ids.shape + (shape[1],))
    dE = np.zeros(shape, dtype=dout.dtype)
    np.add.at(dE, ids, dout)  # a word seen twice collects both gradients (dE[ids] += would not)
    return dE


def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """Normalise each vector over the last axis, then scale by gamma and shift by beta.

    Parameters
    ----------
    x : ndarray (..., D)
    gamma, beta : ndarray (D,)
    eps : float, added to the variance

    Returns
    -------
    out : ndarray (..., D)
    cache : tuple, for ``layer_norm_backward``
    """
    x = check_array(x, "x", min_ndim=1, dtype_kind="f")
    D = x.shape[-1]
    fix = f"It holds one number per feature of x's last axis (D = {D})."
    gamma = _check_shape(check_array(gamma, "gamma", dtype_kind="f"), "gamma", (D,), fix)
    beta = _check_shape(check_array(beta, "beta", dtype_kind="f"), "beta", (D,), fix)
    check_ratio(eps, "eps", high=math.inf)
    xc = x - x.mean(axis=-1, keepdims=True)  # (..., D)
    rstd = 1.0 / np.sqrt((xc**2).mean(axis=-1, keepdims=True) + eps)  # (..., 1)
    xhat = xc * rstd  # (..., D), mean 0 and variance 1 along the last axis
    return gamma * xhat + beta, (xhat, rstd, gamma)


def layer_norm_backward(dout, cache):
    """Gradients of ``layer_norm_forward``: dout (..., D) -> (dx, dgamma (D,), dbeta (D,))."""
    xhat, rstd, gamma = cache
    dout = _check_dout(dout, xhat.shape)
    D = xhat.shape[-1]
    dgamma = (dout * xhat).reshape(-1, D).sum(axis=0)  # (NL, D) -> (D,)
    dbeta = dout.reshape(-1, D).sum(axis=0)  # (NL, D) -> (D,)
    g = dout * gamma  # gradient with respect to xhat
    dx = rstd * (g - g.mean(axis=-1, keepdims=True)
                 - xhat * (g * xhat).mean(axis=-1, keepdims=True))
    return dx, dgamma, dbeta


def softmax(x, axis=-1):
    """Softmax along ``axis``; the max is subtracted first so large inputs do not overflow."""
    x = check_array(x, "x", dtype_kind="f")
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(dout, probs, axis=-1):
    """Gradient through softmax, ``probs * (dout - sum(dout * probs))``, row by row.

    This is the softmax Jacobian times ``dout`` without building the Jacobian.
    ``dout`` and ``probs`` have the same shape; returns the gradient of the softmax input.
    """
    probs = check_array(probs, "probs", dtype_kind="f")
    dout = _check_dout(dout, probs.shape)
    return probs * (dout - (dout * probs).sum(axis=axis, keepdims=True))


def _check_attention(x, Wq, Wk, Wv, Wo, causal):
    x = check_array(x, "x", ndim=3, dtype_kind="f")
    Ws = [check_array(W, name, ndim=2, dtype_kind="f")
          for W, name in ((Wq, "Wq"), (Wk, "Wk"), (Wv, "Wv"), (Wo, "Wo"))]
    D, Dk, Dv = x.shape[2], Ws[0].shape[1], Ws[2].shape[1]
    fix = f"With x of shape (N, L, D), D = {D}: Wq, Wk are (D, Dk), Wv is (D, Dv), Wo is (Dv, D)."
    for W, name, shape in zip(Ws, ("Wq", "Wk", "Wv", "Wo"), ((D, Dk), (D, Dk), (D, Dv), (Dv, D))):
        _check_shape(W, name, shape, fix)
    if not isinstance(causal, (bool, np.bool_)):
        raise TypeError(
            f"causal must be True or False, got {type(causal).__name__}. "
            f"To hide padding, pass it by name: key_mask=..."
        )
    return x, *Ws


def _blocked_keys(L, causal, key_mask):
    """Bool (N or 1, L, L): True where query i may not look at key j."""
    blocked = np.zeros((1, L, L), dtype=bool)
    if causal:
        blocked = blocked | np.triu(np.ones((L, L), dtype=bool), k=1)  # key j comes after query i
    if key_mask is not None:
        blocked = blocked | key_mask[:, None, :]  # (N, 1, L): key j is padding
    return blocked


def attention_forward(x, Wq, Wk, Wv, Wo, causal=False, *, key_mask=None):
    """Single-head self-attention, ``softmax(q k^T / sqrt(Dk)) v Wo``.

    Parameters
    ----------
    x : ndarray (N, L, D)
    Wq, Wk : ndarray (D, Dk)
    Wv : ndarray (D, Dv)
    Wo : ndarray (Dv, D)
    causal : bool, if True position i attends only to positions <= i
    key_mask : bool ndarray (N, L) or None, True = padding, never attended to

    Returns
    -------
    out : ndarray (N, L, D)
    cache : AttentionCache (a tuple), for ``attention_backward``; ``cache.probs`` the weights (N, L, L)
    """
    x, Wq, Wk, Wv, Wo = _check_attention(x, Wq, Wk, Wv, Wo, causal)
    N, L, _ = x.shape
    if key_mask is not None:
        key_mask = check_mask(key_mask, "key_mask", (N, L))
    scale = 1.0 / math.sqrt(Wq.shape[1])
    q, k, v = x @ Wq, x @ Wk, x @ Wv  # (N, L, D) x (D, Dk) -> (N, L, Dk); v is (N, L, Dv)
    scores = (q @ k.transpose(0, 2, 1)) * scale  # (N, L, Dk) x (N, Dk, L) -> (N, L, L)
    blocked = _blocked_keys(L, causal, key_mask)
    # The most negative float rather than -inf: a query that may see no key at all
    # (padding in an all-padding row) then attends uniformly instead of giving NaN.
    scores = np.where(blocked, np.finfo(scores.dtype).min, scores)
    probs = softmax(scores)  # (N, L, L), each row sums to 1
    ctx = probs @ v  # (N, L, L) x (N, L, Dv) -> (N, L, Dv)
    out = ctx @ Wo  # (N, L, Dv) x (Dv, D) -> (N, L, D)
    return out, AttentionCache(x, Wq, Wk, Wv, Wo, q, k, v, probs, ctx, blocked, scale)


def attention_backward(dout, cache):
    """Gradients of ``attention_forward``: dout (N, L, D) -> (dx, dWq, dWk, dWv, dWo)."""
    x, Wq, Wk, Wv, Wo, q, k, v, probs, ctx, blocked, scale = cache
    dout = _check_dout(dout, x.shape)
    dctx = dout @ Wo.T  # (N, L, D) x (D, Dv) -> (N, L, Dv)
    dprobs = dctx @ v.transpose(0, 2, 1)  # (N, L, Dv) x (N, Dv, L) -> (N, L, L)
    dv = probs.transpose(0, 2, 1) @ dctx  # (N, L, L) x (N, L, Dv) -> (N, L, Dv)
    dscores = softmax_backward(dprobs, probs)  # (N, L, L)
    dscores = np.where(blocked, 0.0, dscores) * scale  # blocked scores were constants
    dq = dscores @ k  # (N, L, L) x (N, L, Dk) -> (N, L, Dk)
    dk = dscores.transpose(0, 2, 1) @ q  # (N, L, L) x (N, L, Dk) -> (N, L, Dk)
    dx = dq @ Wq.T + dk @ Wk.T + dv @ Wv.T  # three paths back to x, each (N, L, D)
    dWq, dWk, dWv = _weight_grad(x, dq), _weight_grad(x, dk), _weight_grad(x, dv)
    return dx, dWq, dWk, dWv, _weight_grad(ctx, dout)


def softmax_cross_entropy(logits, targets, mask=None):
    """Mean cross-entropy over the hidden positions, and its gradient.

    Parameters
    ----------
    logits : ndarray (..., V)
    targets : int ndarray (...), each in [0, V)
    mask : bool ndarray (...) or None, True = hidden (scored); None scores every position

    Returns
    -------
    loss : float, mean of ``-log p(target)`` over the positions where mask is True
    dlogits : ndarray (..., V), the gradient of loss, zero where mask is False
    """
    logits = check_array(logits, "logits", min_ndim=1, dtype_kind="f")
    targets = check_array(targets, "targets", dtype_kind="iu")
    fix = "Give one target id per position: logits is (..., V) and targets is (...)."
    _check_shape(targets, "targets", logits.shape[:-1], fix)
    V = logits.shape[-1]
    targets = check_ids(targets, "targets", V)
    mask = np.ones(targets.shape, bool) if mask is None else check_mask(mask, "mask", targets.shape)
    n = int(mask.sum())
    if n == 0:
        raise ValueError(
            "mask has no True position, so no position is hidden and there is nothing to "
            "score. Hide at least one position (True = hidden), or pass mask=None to score all."
        )
    shifted = logits - logits.max(axis=-1, keepdims=True)  # log-sum-exp trick: exp never overflows
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # (..., V)
    picked = np.take_along_axis(log_probs, targets[..., None], axis=-1)[..., 0]  # (...)
    loss = -picked[mask].sum() / n
    onehot = np.arange(V) == targets[..., None]  # (..., V)
    dlogits = (np.exp(log_probs) - onehot) * (mask[..., None] / n)  # (..., V)
    return float(loss), dlogits.astype(logits.dtype, copy=False)


def relu_forward(x):
    """Rectified linear unit, ``max(x, 0)``: x (...) -> (out (...), cache)."""
    x = check_array(x, "x", dtype_kind="f")
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    """Gradient of ``relu_forward``: passes dout where x > 0, zero elsewhere."""
    x = cache
    dout = _check_dout(dout, x.shape)
    return dout * (x > 0)


def gelu_forward(x):
    """GELU, tanh approximation (as ``torch.nn.functional.gelu(x, approximate="tanh")``).

    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``: x (...) -> (out (...), cache).
    """
    x = check_array(x, "x", dtype_kind="f")
    t = np.tanh(_GELU_C * (x + 0.044715 * (x * x * x)))  # x * x * x: much faster than x**3
    return 0.5 * x * (1.0 + t), (x, t)


def gelu_backward(dout, cache):
    """Gradient of ``gelu_forward``: dout (...) -> dx (...)."""
    x, t = cache
    dout = _check_dout(dout, x.shape)
    du = _GELU_C * (1.0 + 3 * 0.044715 * x**2)  # derivative of the tanh's argument
    return dout * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t**2) * du)
