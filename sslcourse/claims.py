"""Checked claim lines: what a notebook's prose says about a measured number.

A number that comes out of training moves a little with the CPU's kernels, so a notebook prints
it in a cell that nbval does not compare, and beside it a *claim line*, which nbval does compare:

>>> claim("transformer: fraction of the Bayes accuracy", 0.991, at_least=0.97)
transformer: fraction of the Bayes accuracy at least 0.97 [OK]

The line is the same for every value inside the band, so it holds on every CPU; outside the band
it says ``[FAIL]`` and what came instead. The bands are measured, not guessed: see
``tools/kernel_matrix.py``.
"""
from __future__ import annotations

import math
import numbers

__all__ = ["claim", "claim_true"]


def _number(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:  # a numpy or torch scalar
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}. "
                            f"Pass a float, for example float(acc).") from None
    return float(value)


def _band_text(at_least, at_most):
    if at_least is not None and at_most is not None:
        return f"between {at_least:g} and {at_most:g}"
    if at_least is not None:
        return f"at least {at_least:g}"
    return f"at most {at_most:g}"


def claim(statement, value, *, at_least=None, at_most=None, digits=3):
    """Print ``statement`` with its band and [OK], or [FAIL] and the value; return whether it held.

    Parameters
    ----------
    statement : str
        What is measured, e.g. ``"pretrained minus one-hot, 1 label per category"``.
    value : float
        The measured number.
    at_least, at_most : float, optional
        The band the prose claims (give one or both; bounds included).
    digits : int
        Significant digits of the value printed when the claim fails.

    Returns
    -------
    bool
        True when ``at_least <= value <= at_most``.
    """
    if not isinstance(statement, str) or not statement:
        raise TypeError(f"statement must be a non-empty str, got {type(statement).__name__} {statement!r}. "
                        f"Say what is measured, e.g. claim('accuracy', acc, at_least=0.9).")
    value = _number(value, "value")
    if at_least is None and at_most is None:
        raise ValueError("claim needs a band, got neither at_least nor at_most. "
                         "Pass at_least=..., at_most=... or both.")
    at_least = None if at_least is None else _number(at_least, "at_least")
    at_most = None if at_most is None else _number(at_most, "at_most")
    if at_least is not None and at_most is not None and at_least > at_most:
        raise ValueError(f"at_least must not exceed at_most, got {at_least:g} > {at_most:g}. Swap them.")
    held = not math.isnan(value)
    held = held and (at_least is None or value >= at_least) and (at_most is None or value <= at_most)
    line = f"{statement} {_band_text(at_least, at_most)}"
    print(f"{line} [OK]" if held else f"{line} [FAIL] got {value:.{digits}g}")
    return held


def claim_true(statement, condition, *, detail=""):
    """Print ``statement [OK]`` when ``condition`` holds, else ``[FAIL]`` with ``detail``; return it."""
    if not isinstance(statement, str) or not statement:
        raise TypeError(f"statement must be a non-empty str, got {type(statement).__name__} {statement!r}. "
                        f"Say what is claimed, e.g. claim_true('pretrained beats scratch at every k', ok).")
    held = bool(condition)
    print(f"{statement} [OK]" if held else f"{statement} [FAIL]" + (f" {detail}" if detail else ""))
    return held
