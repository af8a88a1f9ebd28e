"""Numerical gradient checks: is a hand-written backward pass right?

Compare the analytic gradient with centred differences, in float64, and call it
right when their relative error is below a threshold (1e-7 by default).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_array, check_ratio, check_rng


def numerical_gradient(f, x, *, eps=1e-6):
    """Gradient of a scalar function by centred differences, ``(f(x+h) - f(x-h)) / 2h``.

    Parameters
    ----------
    f : callable, ``f(x)`` returns a scalar
    x : float64 ndarray (any shape), nudged in place one entry at a time and restored
    eps : float, the step h

    Returns
    -------
    grad : ndarray, same shape as x
    """
    x = check_array(x, "x", dtype_kind="f")
    if x.dtype != np.float64:
        raise TypeError(
            f"x must be float64 for a numerical gradient, got {x.dtype}: in lower precision "
            f"rounding swamps the differences. Convert it with x.astype(np.float64)."
        )
    check_ratio(eps, "eps", high=math.inf)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + eps
            f_plus = _scalar(f(x))
            x[i] = old - eps
            f_minus = _scalar(f(x))
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _scalar(value):
    if np.ndim(value) != 0:
        raise ValueError(
            f"f must return a scalar, got an array of shape {np.shape(value)}. "
            f"Reduce it first, for example f = lambda x: np.sum(layer(x) * dout)."
        )
    return float(value)


def relative_error(a, b):
    """Relative error between two arrays: ``max |a - b| / max(|a| + |b|)``.

    Both maxima run over all entries (the denominator is floored at the smallest
    positive float, so two zero arrays give 0). Taking the ratio entry by entry
    instead would flag entries near zero, where rounding noise is all there is.

    Parameters
    ----------
    a, b : ndarray, same shape

    Returns
    -------
    float, 0 for equal arrays; below 1e-7 for a correct float64 backward pass
    """
    a = check_array(a, "a", dtype_kind="fiu")
    b = check_array(b, "b", dtype_kind="fiu")
    if a.shape != b.shape:
        raise ValueError(
            f"a and b must have the same shape, got {a.shape} and {b.shape}. "
            f"Compare a gradient with the numerical gradient of the same array."
        )
    if a.size == 0:
        return 0.0
    scale = np.max(np.abs(a) + np.abs(b))
    return float(np.max(np.abs(a - b)) / max(scale, np.finfo(np.float64).tiny))


@dataclass(frozen=True)
class GradCheck:
    """Outcome of one gradient check; its repr leaves out the BLAS-dependent error."""

    label: str
    passed: bool
    error: float = field(repr=False, compare=False)
    threshold: float = 1e-7

    def line(self, *, show_error=False):
        """One line, ``"linear: dW [OK]"``, with the error when ``show_error``."""
        status = "[OK]" if self.passed else "[FAIL]"
        if show_error:
            return f"{self.label} rel. error {self.error:.0e} {status}"
        return f"{self.label} {status}"


def check_gradient(label, analytic, numeric, *, threshold=1e-7, show_error=False, verbose=True):
    """Compare an analytic gradient with a numerical one and print one line.

    Parameters
    ----------
    label : str, printed first, for example ``"linear: dW"``
    analytic, numeric : ndarray, same shape
    threshold : float, largest relative error that passes
    show_error : bool, also print the error (it varies with the BLAS build, so keep
        False in notebook cells whose output is checked)
    verbose : bool, print the line

    Returns
    -------
    GradCheck
    """
    check_ratio(threshold, "threshold", high=math.inf)
    error = relative_error(analytic, numeric)
    result = GradCheck(str(label), bool(error < threshold), error, float(threshold))
    if verbose:
        print(result.line(show_error=show_error))
    return result


def check_layer_gradients(name, forward, backward, inputs, *, rng, threshold=1e-7,
                          show_error=False, verbose=True):
    """Gradient-check a ``forward``/``backward`` pair, one line per input.

    The scalar checked is ``sum(out * dout)`` for a random ``dout``, whose gradient
    is exactly what ``backward(dout, cache)`` returns.

    Parameters
    ----------
    name : str, the layer's name in the printed lines
    forward : callable, ``forward(*inputs.values()) -> (out, cache)``; fix other
        arguments (ids, flags) with a lambda
    backward : callable, ``backward(dout, cache)`` -> one gradient per input, in order
    inputs : dict of name -> float64 ndarray
    rng : numpy.random.Generator, draws ``dout``
    threshold, show_error, verbose : as in ``check_gradient``

    Returns
    -------
    tuple of GradCheck, one per input
    """
    check_rng(rng)
    arrays = [check_array(x, key, dtype_kind="f") for key, x in inputs.items()]
    out, cache = forward(*arrays)
    dout = rng.standard_normal(np.shape(out))
    grads = backward(dout, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != len(arrays):
        raise ValueError(
            f"backward returned {len(grads)} gradients for {len(arrays)} inputs "
            f"({', '.join(inputs)}). List in inputs exactly the arrays backward differentiates."
        )
    results = []
    for key, x, grad in zip(inputs, arrays, grads):
        numeric = numerical_gradient(lambda _: np.sum(forward(*arrays)[0] * dout), x)
        results.append(check_gradient(f"{name}: d{key}", grad, numeric, threshold=threshold,
                                      show_error=show_error, verbose=verbose))
    return tuple(results)
