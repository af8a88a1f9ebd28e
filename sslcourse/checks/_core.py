"""The machinery behind every exercise checker.

A checker runs the learner's function on a few small cases (edge cases included), compares
each result with the package's reference, and prints exactly one message:

- ``[OK] name: all N checks pass.`` when every case matches;
- ``[TODO] ...`` when the function is the untouched stub (it raises ``NotImplementedError``);
- ``[NOT YET] ...`` otherwise: what was checked, expected against got, and a hint. When the
  wrong result equals that of a known mistake (a planted bug), the hint names that mistake.

It never shows the solution, never lets a traceback from inside the package reach the learner,
and returns the function the next cells should use: the learner's when it passes, else the
reference, so a stuck learner can go on.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Case:
    """One call of the function under test.

    Attributes
    ----------
    label : str
        What this case checks, in words a learner understands ("a batch of 2 sentences").
    args : tuple
        Positional arguments (deep-copied before each call, so in-place edits cannot leak).
    kwargs : dict
        Keyword arguments.
    """

    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: a function computing it, and the hint to give when it is seen."""

    wrong: object
    hint: str


class _Failure(Exception):
    """A case failed; ``message`` says how."""


def check_function(name, learner, reference, cases, *, mistakes=(), hint, outputs=None,
                   rtol=1e-6, atol=1e-8, fallback_name=None):
    """Check ``learner`` against ``reference`` on ``cases`` and print one message.

    Parameters
    ----------
    name : str
        The exercise's function name, as the learner wrote it.
    learner, reference : callable
    cases : sequence of Case
    mistakes : sequence of Mistake
        Planted bugs; the first whose result equals the learner's gives the hint.
    hint : str
        The hint when the result matches no known mistake.
    outputs : sequence of str, optional
        Names of the parts of a tuple result (``("dx", "dW", "db")``), used in messages.
    fallback_name : str, optional
        How to name the reference in the message (default ``sc's reference``).

    Returns
    -------
    callable
        ``learner`` if every case passes, else ``reference``.
    """
    if not callable(learner):
        print(f"[NOT YET] {name}: expected a function, got {type(learner).__name__}. "
              f"Run the cell that defines {name} first, then pass the function itself (no brackets).")
        return reference
    fallback = f"\nThe cells below use {fallback_name or 'the reference ' + name} so you can go on."
    for case in cases:
        expected = reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        try:
            got = learner(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        except NotImplementedError:
            print(f"[TODO] {name} is not written yet: fill in the cell above, then run it and this one again."
                  + fallback)
            return reference
        except Exception as err:  # the learner's code raised: turn it into a hint
            print(f"[NOT YET] {name} raised {type(err).__name__} ({_short(err)}) on {case.label}.\n"
                  f"Hint: read the shapes in the docstring. {hint}" + fallback)
            return reference
        try:
            _compare(expected, got, outputs, rtol, atol)
        except _Failure as failure:
            specific = _diagnose(got, case, mistakes, outputs, rtol, atol)
            print(f"[NOT YET] {name} on {case.label}: {failure}.\nHint: {specific or hint}" + fallback)
            return reference
    print(f"[OK] {name}: all {len(cases)} checks pass.")
    return learner


def _short(err, limit=120):
    text = str(err).splitlines()[0] if str(err) else "no message"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _diagnose(got, case, mistakes, outputs, rtol, atol):
    for mistake in mistakes:
        try:
            wrong = mistake.wrong(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            _compare(wrong, got, outputs, rtol, atol)
        except Exception:  # a planted bug that fails or differs: not this mistake
            continue
        return mistake.hint
    return None


def _compare(expected, got, outputs, rtol, atol):
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            n = len(got) if isinstance(got, tuple) else 1
            names = f" ({', '.join(outputs)})" if outputs else ""
            raise _Failure(f"expected a tuple of {len(expected)} values{names}, got {n} value(s)")
        for i, (e, g) in enumerate(zip(expected, got)):
            try:
                _compare(e, g, None, rtol, atol)
            except _Failure as failure:
                part = outputs[i] if outputs else f"value {i}"
                raise _Failure(f"{part}: {failure}") from None
        return
    _compare_one(expected, got, rtol, atol)


def _compare_one(expected, got, rtol, atol):
    if isinstance(expected, (np.ndarray, np.generic)) or isinstance(expected, (float, int)) and not isinstance(expected, bool):
        exp = np.asarray(expected)
        try:
            arr = np.asarray(got)
        except Exception:
            raise _Failure(f"expected an array of shape {exp.shape}, got {type(got).__name__}") from None
        if arr.shape != exp.shape:
            raise _Failure(f"expected shape {exp.shape}, got shape {arr.shape}")
        if exp.dtype == bool and arr.dtype != bool:
            raise _Failure(f"expected a bool array (True = hidden), got dtype {arr.dtype}")
        if arr.dtype.kind not in "biuf":
            raise _Failure(f"expected numbers, got dtype {arr.dtype}")
        if not np.allclose(arr, exp, rtol=rtol, atol=atol, equal_nan=False):
            raise _Failure(_describe_difference(exp, arr, rtol, atol))
        return
    if got != expected:
        raise _Failure(f"expected {_brief(expected)}, got {_brief(got)}")


def _describe_difference(exp, arr, rtol, atol):
    if exp.ndim == 0:
        return f"expected {float(exp):.4g}, got {float(arr):.4g}"
    wrong = ~np.isclose(arr, exp, rtol=rtol, atol=atol)
    where = tuple(int(i) for i in np.argwhere(wrong)[0])
    return (f"{int(wrong.sum())} of {exp.size} entries differ; at index {where} "
            f"expected {_num(exp[where])}, got {_num(arr[where])}")


def _num(x):
    return str(bool(x)) if isinstance(x, (bool, np.bool_)) else f"{float(x):.4g}"


def _brief(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
