"""Argument checks shared by the public helpers.

Every check raises ``TypeError`` or ``ValueError`` with a message that names the
argument, says what was expected and what came, and how to fix it.
"""
from __future__ import annotations

import numbers

import numpy as np


def check_array(x, name, *, ndim=None, dtype_kind=None, min_ndim=None):
    """Return ``x`` as an ndarray after checking its rank and dtype kind.

    Parameters
    ----------
    x : array_like
        The value to check.
    name : str
        The argument's name, used in the message.
    ndim : int, optional
        Exact number of axes expected.
    dtype_kind : str, optional
        Allowed ``dtype.kind`` letters: ``"f"`` float, ``"iu"`` integers, ``"b"`` bool.
    min_ndim : int, optional
        Smallest number of axes accepted.
    """
    if not isinstance(x, np.ndarray):
        kind = type(x).__name__
        if kind == "Tensor":
            raise TypeError(
                f"{name} must be a numpy array, got a torch Tensor. "
                f"Convert it with {name}.detach().cpu().numpy()."
            )
        x = np.asarray(x)
    if ndim is not None and x.ndim != ndim:
        raise ValueError(
            f"{name} must have {ndim} axes, got shape {x.shape} ({x.ndim} axes). "
            f"Reshape it to {ndim} axes."
        )
    if min_ndim is not None and x.ndim < min_ndim:
        raise ValueError(
            f"{name} must have at least {min_ndim} axes, got shape {x.shape}. "
            f"Add a batch axis, for example {name}[None]."
        )
    if dtype_kind is not None and x.dtype.kind not in dtype_kind:
        wanted = {"f": "float", "i": "integer", "u": "integer", "b": "bool"}
        names = sorted({wanted[k] for k in dtype_kind})
        article = "an" if names[0][0] in "aeiou" else "a"
        raise TypeError(
            f"{name} must have {article} {' or '.join(names)} dtype, got {x.dtype}. "
            f"Convert it with {name}.astype({_example_dtype(dtype_kind)})."
        )
    return x


def _example_dtype(dtype_kind):
    if "f" in dtype_kind:
        return "np.float64"
    if "b" in dtype_kind:
        return "bool"
    return "np.int64"


def check_mask(mask, name, shape):
    """Check a boolean mask (True = hidden) of a given shape."""
    mask = check_array(mask, name)
    if mask.dtype != bool:
        raise TypeError(
            f"{name} must be a bool array (True = hidden), got dtype {mask.dtype}. "
            f"Convert it with {name}.astype(bool) or build it with a comparison."
        )
    if tuple(mask.shape) != tuple(shape):
        raise ValueError(
            f"{name} must have shape {tuple(shape)} to match the data, got {mask.shape}."
        )
    return mask


def check_ratio(value, name, *, low=0.0, high=1.0, inclusive=(False, False)):
    """Check a number in an interval, open by default: ``(low, high)``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}.")
    lo_ok = value >= low if inclusive[0] else value > low
    hi_ok = value <= high if inclusive[1] else value < high
    if not (lo_ok and hi_ok):
        left = "[" if inclusive[0] else "("
        right = "]" if inclusive[1] else ")"
        raise ValueError(
            f"{name} must lie in {left}{low}, {high}{right}, got {value!r}. "
            f"Pick a value inside that interval."
        )
    return float(value)


def check_int(value, name, *, minimum=None, maximum=None):
    """Check a whole number, optionally bounded (bounds included)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__} {value!r}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return int(value)


def check_rng(rng, name="rng"):
    """Check that ``rng`` is a ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, got {type(rng).__name__}. "
            f"Make one with rng = sc.seed_everything(0) or np.random.default_rng(0)."
        )
    return rng


def check_ids(ids, name, vocab_size):
    """Check an integer id array with every id in ``[0, vocab_size)``."""
    ids = check_array(ids, name, dtype_kind="iu")
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        bad = ids[(ids < 0) | (ids >= vocab_size)][0]
        raise ValueError(
            f"{name} must hold ids in [0, {vocab_size}) for a vocabulary of {vocab_size} words, "
            f"got {bad}. Encode the words with the same vocabulary as the model."
        )
    return ids
