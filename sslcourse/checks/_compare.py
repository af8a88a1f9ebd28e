"""Comparing a learner's result with the reference's, strictly and without ever raising.

The reference's result says what the docstring promises: an ndarray of a dtype kind (bool, int
or float), a Python number, a str, a list, or a tuple of such parts. A correct answer is accepted
in any container the docstring allows (a tuple of results may come back as a list); anything else
fails with a message that names what was expected and what came back. A result whose comparison
raises (a strange object, an ``__eq__`` that fails) fails too: nothing here lets an error escape.
"""
from __future__ import annotations

import copy
import numbers

import numpy as np

_KINDS = {"b": "bool", "i": "int", "u": "int", "f": "float", "c": "complex"}


class Failure(Exception):
    """A result differs from the expected one; ``str(self)`` says how. ``kind`` names the kind of
    difference ("type", "dtype", "shape", "value"), used to choose the hint."""

    def __init__(self, message, kind="value"):
        super().__init__(message)
        self.kind = kind


def compare(expected, got, outputs=None, rtol=1e-6, atol=1e-8):
    """Raise ``Failure`` unless ``got`` matches ``expected`` (type, dtype, shape and value)."""
    try:
        _compare(expected, got, outputs, rtol, atol)
    except Failure:
        raise
    except Exception as err:  # a result that cannot even be compared is a wrong result
        raise Failure(f"the value returned could not be compared with the expected one "
                      f"({type(err).__name__}); expected {describe(expected)}, got {describe(got)}",
                      "type") from None


def _compare(expected, got, outputs, rtol, atol):
    if isinstance(expected, tuple):
        names = f" ({', '.join(outputs)})" if outputs else ""
        if not isinstance(got, (tuple, list)):
            raise Failure(f"expected a tuple of {len(expected)} values{names}, got {describe(got)}", "type")
        if len(got) != len(expected):
            raise Failure(f"expected a tuple of {len(expected)} values{names}, got {len(got)} value(s)", "type")
        for i, (e, g) in enumerate(zip(expected, got)):
            try:
                _compare(e, g, None, rtol, atol)
            except Failure as failure:
                part = outputs[i] if outputs and i < len(outputs) else f"value {i}"
                raise Failure(f"{part}: {failure}", failure.kind) from None
        return
    if isinstance(expected, list):
        if not isinstance(got, list):
            raise Failure(f"expected a list (as the docstring says), got {describe(got)}", "type")
        if len(got) != len(expected):
            raise Failure(f"expected a list of {len(expected)} items, got {len(got)}", "shape")
        for i, (e, g) in enumerate(zip(expected, got)):
            try:
                _compare(e, g, None, rtol, atol)
            except Failure as failure:
                raise Failure(f"item {i}: {failure}", failure.kind) from None
        return
    if isinstance(expected, np.ndarray):
        _compare_array(expected, got, rtol, atol)
        return
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(got, (bool, np.bool_)):
            raise Failure(f"expected True or False, got {describe(got)}", "type")
        if bool(got) != bool(expected):
            raise Failure(f"expected {bool(expected)}, got {bool(got)}")
        return
    if isinstance(expected, numbers.Number):
        _compare_number(expected, got, rtol, atol)
        return
    if expected is None:
        if got is not None:
            raise Failure(f"expected None, got {describe(got)}", "type")
        return
    if isinstance(expected, str):
        if not isinstance(got, str):
            raise Failure(f"expected a str, got {describe(got)}", "type")
        if got != expected:
            raise Failure(f"expected {brief(expected)}, got {brief(got)}")
        return
    if type(got) is not type(expected) or not bool(got == expected):
        raise Failure(f"expected {brief(expected)}, got {brief(got)}")


def _compare_number(expected, got, rtol, atol):
    integral = isinstance(expected, numbers.Integral)
    want = "an int" if integral else "a float"
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Real):
        extra = " (a tensor: turn it into a Python number)" if _is_tensor(got) else ""
        raise Failure(f"expected {want}, got {describe(got)}{extra}", "type")
    if integral and not isinstance(got, numbers.Integral):
        raise Failure(f"expected an int, got {describe(got)}", "type")
    if not np.isclose(float(got), float(expected), rtol=rtol, atol=atol):
        raise Failure(f"expected {float(expected):.4g}, got {float(got):.4g}")


def _compare_array(exp, got, rtol, atol):
    if not isinstance(got, np.ndarray):
        extra = " (a tensor: the docstring asks for a numpy array)" if _is_tensor(got) else ""
        raise Failure(f"expected a numpy array of shape {exp.shape}, got {describe(got)}{extra}", "type")
    if got.shape != exp.shape:
        raise Failure(f"expected shape {exp.shape}, got shape {got.shape}", "shape")
    want, have = _KINDS.get(exp.dtype.kind, str(exp.dtype)), _KINDS.get(got.dtype.kind, str(got.dtype))
    if want != have:
        article = "an" if want[0] in "aeiou" else "a"
        raise Failure(f"expected {article} {want} array, got dtype {got.dtype}", "dtype")
    if exp.dtype.kind == "f":
        same = np.allclose(got, exp, rtol=rtol, atol=atol, equal_nan=False)
    else:
        same = np.array_equal(got, exp)
    if not same:
        raise Failure(_describe_difference(exp, got, rtol, atol))


def _describe_difference(exp, arr, rtol, atol):
    if exp.ndim == 0:
        return f"expected {_num(exp[()])}, got {_num(arr[()])}"
    wrong = ~np.isclose(arr, exp, rtol=rtol, atol=atol) if exp.dtype.kind == "f" else arr != exp
    where = tuple(int(i) for i in np.argwhere(wrong)[0])
    return (f"{int(wrong.sum())} of {exp.size} entries differ; at index {where} "
            f"expected {_num(exp[where])}, got {_num(arr[where])}")


def _num(x):
    return str(bool(x)) if isinstance(x, (bool, np.bool_)) else f"{float(x):.4g}"


def _is_tensor(x):
    return type(x).__module__.split(".")[0] == "torch"


def describe(value):
    """A short, safe description of a value's type: "list of 3", "int64 array of shape (2,)"."""
    try:
        if isinstance(value, np.ndarray):
            return f"a {value.dtype} array of shape {value.shape}"
        if _is_tensor(value):
            return f"a torch tensor ({getattr(value, 'dtype', '?')})"
        if isinstance(value, (list, tuple)):
            return f"a {type(value).__name__} of {len(value)}"
        return f"{type(value).__name__} {brief(value, 40)}"
    except Exception:  # a value whose len or repr fails
        return f"a {type(value).__name__}"


def brief(value, limit=80):
    try:
        text = repr(value)
    except Exception:
        return f"<a {type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def snapshot(values):
    """A deep copy of ``values`` to compare with later (None where a value cannot be copied)."""
    out = []
    for v in values:
        try:
            out.append(copy.deepcopy(v))
        except Exception:
            out.append(_UNCOPYABLE)
    return out


_UNCOPYABLE = object()


def unchanged(before, after):
    """Whether ``after`` still equals the copy ``before`` (never raises: True when unsure)."""
    if before is _UNCOPYABLE:
        return True
    try:
        if isinstance(before, np.ndarray):
            return (isinstance(after, np.ndarray) and before.shape == after.shape and before.dtype == after.dtype
                    and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
        if _is_tensor(before):
            if before.device.type == "meta":
                return before.shape == after.shape and before.dtype == after.dtype
            return before.shape == after.shape and bool((before == after).all())
        if isinstance(before, (list, tuple)):
            return (type(before) is type(after) and len(before) == len(after)
                    and all(unchanged(b, a) for b, a in zip(before, after)))
        if isinstance(before, dict):
            return before.keys() == after.keys() and all(unchanged(before[k], after[k]) for k in before)
        return bool(before == after)
    except Exception:
        return True
