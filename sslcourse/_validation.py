"""Argument checks shared by the public helpers.

Every check raises ``TypeError`` or ``ValueError`` with a message that names the
argument, says what was expected and what came, and how to fix it.
"""
from __future__ import annotations

import math
import numbers

import numpy as np


def check_array(x, name, *, ndim=None, dtype_kind=None, min_ndim=None, finite=False):
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
    finite : bool
        Reject NaN and inf.
    """
    if x is None:
        raise TypeError(f"{name} must be an array, got None. Pass the array itself.")
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
    if x.dtype.kind in "OUSV":
        raise TypeError(f"{name} must be a numeric array, got dtype {x.dtype} from {type(x).__name__}. "
                        f"Pass numbers, for example an ndarray of float or int.")
    if finite:
        check_finite(x, name)
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
            f"{name} must have shape {tuple(shape)} to match the data, got {mask.shape}. "
            f"Build it from the data, for example np.zeros(data.shape, dtype=bool)."
        )
    return mask


def check_ratio(value, name, *, low=0.0, high=1.0, inclusive=(False, False), fix=None):
    """Check a number in an interval, open by default: ``(low, high)``; NaN is never inside."""
    example = _example_in(low, high, inclusive)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}. "
                        f"{fix or f'Pass a float, for example {name}={example}.'}")
    lo_ok = value >= low if inclusive[0] else value > low
    hi_ok = value <= high if inclusive[1] else value < high
    if not (lo_ok and hi_ok):
        left = "[" if inclusive[0] else "("
        right = "]" if inclusive[1] else ")"
        raise ValueError(
            f"{name} must lie in {left}{low}, {high}{right}, got {value!r}. "
            f"{fix or f'Pick a value inside that interval, for example {name}={example}.'}"
        )
    return float(value)


def _example_in(low, high, inclusive):
    if math.isinf(high):
        return low + 1 if inclusive[0] or low != 0 else 0.001
    return (low + high) / 2


def check_int(value, name, *, minimum=None, maximum=None, fix=None):
    """Check a whole number, optionally bounded (bounds included)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        example = minimum if minimum is not None else 1
        if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
            example = int(value)
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__} {value!r}. "
                        f"{fix or f'Pass an int, for example {name}={example}.'}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}. "
                         f"{fix or f'Pass {name}={minimum} or more.'}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}. "
                         f"{fix or f'Pass {name}={maximum} or less.'}")
    return int(value)


def check_number(value, name, *, positive=False, minimum=None, fix=None):
    """Check a finite real number (not bool), optionally > 0 or >= ``minimum``; returns a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}. "
                        f"{fix or f'Pass a float, for example {name}=1.0.'}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}. "
                         f"{fix or 'Look where it was computed: a division by zero or an overflow.'}")
    if positive and not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}. {fix or f'Pass a positive {name}.'}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}. "
                         f"{fix or f'Pass {name}={minimum} or more.'}")
    return float(value)


def check_bool(value, name):
    """Check that ``value`` is True or False (numpy bools too)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}. "
                        f"Pass {name}=True or {name}=False.")
    return bool(value)


def check_finite(x, name):
    """Check that a float array holds no NaN or inf (they make every result meaningless)."""
    if x.dtype.kind in "fc" and x.size and not np.isfinite(x).all():
        bad = "NaN" if np.isnan(x).any() else "inf"
        raise ValueError(f"{name} holds {bad} (at index {tuple(int(i) for i in np.argwhere(~np.isfinite(x))[0])}), "
                         f"so every result computed from it would be meaningless. Find where it was made "
                         f"(a division by zero, a log of 0, a diverged training) and fix it there.")
    return x


def check_language(language, name="language"):
    """Check that ``language`` is a ``sc.data.ToyLanguage``."""
    from .data.toy_language import ToyLanguage

    if not isinstance(language, ToyLanguage):
        raise TypeError(f"{name} must be a sc.data.ToyLanguage, got {type(language).__name__}. "
                        f"Make one with {name} = sc.data.ToyLanguage('small', seed=0).")
    return language


def check_sentences(sentences, name="sentences"):
    """Check a non-empty list of sentences, each a list of str; returns a list."""
    if isinstance(sentences, (list, tuple)) and not sentences:
        raise ValueError(f"{name} must be a non-empty list of sentences, got an empty one. "
                         f"Make them with language.sample(n, rng=rng).")
    if isinstance(sentences, str) or not isinstance(sentences, (list, tuple)) \
            or not all(isinstance(s, (list, tuple)) and all(isinstance(w, str) for w in s) for s in sentences):
        raise TypeError(f"{name} must be a non-empty list of sentences, each a list of words (str), "
                        f"got {_short(sentences)}. Make them with language.sample(n, rng=rng), or split "
                        f"a text with [line.split() for line in text.splitlines()].")
    return list(sentences)


def check_words(words, name, *, allow_empty=False):
    """Check one sentence: a list of str (not a str); returns a list."""
    if isinstance(words, str):
        raise TypeError(f"{name} must be a list of words, got the string {words!r}. Use {name}.split().")
    if not isinstance(words, (list, tuple)) or not all(isinstance(w, str) for w in words) \
            or (not words and not allow_empty):
        raise TypeError(f"{name} must be a {'' if allow_empty else 'non-empty '}list of words (str), "
                        f"got {_short(words)}. Pass words like ['the', 'dog', 'eats'].")
    return list(words)


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
