"""The machinery behind every exercise checker.

A checker runs the learner's function on a few small cases (edge cases included), each call
under a time limit, and compares each result with the package's reference: its type, dtype and
shape as the docstring promises, its values, and that the inputs the function must not change
are unchanged. It prints exactly one message:

- ``[OK] name: all N checks pass.`` when every case matches;
- ``[TODO] ...`` when the function is the untouched stub (it raises ``NotImplementedError``);
- ``[NOT YET] ...`` otherwise: what was checked, expected against got, and a hint. When the
  wrong result equals that of a known mistake (a planted bug), the hint is that mistake's.

Hints are tiered: the first failure of a kind names the concept to revisit; the same failure
again adds a second, more specific hint. No hint contains the reference's code or formula
(a test holds every hint against the reference's source). No traceback ever escapes.

It returns the function the next cells should use: the learner's when it passes, else the
reference, so a stuck learner can go on. Each verdict is also kept as data (``verdicts()``, and
one JSON line per verdict in the file named by ``$SSLCOURSE_GRADE_LOG``, which the grader reads).
"""
from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field

from ._compare import Failure, compare, describe, snapshot, unchanged
from ._limits import TimeLimit, call_with_time_limit

__all__ = ["Case", "Mistake", "check_function", "check_plausible", "verdicts", "REGISTRY"]


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
    """A known wrong answer: a function computing it, the hint for it, and a second hint for when
    it is seen again (``more``). Neither hint may hold the reference's code or formula."""

    wrong: object
    hint: str
    more: str = ""


@dataclass(frozen=True)
class Exercise:
    """What a checker knows about its exercise (filled in by each call of ``check_function``)."""

    name: str
    reference: object
    source: object
    cases: tuple
    mistakes: tuple
    hint: str
    more: str
    outputs: tuple | None


REGISTRY: dict = {}  # name -> Exercise, for the tests and the grader
_SEEN: dict = {}  # (name, kind of failure) -> times seen in this kernel
_VERDICTS: list = []
_LOG_PATH = os.environ.pop("SSLCOURSE_GRADE_LOG", None)  # the grader's log; taken out of the environment
DEFAULT_TIME_LIMIT = 10.0  # seconds per call; $SSLCOURSE_CHECK_TIME_LIMIT overrides

_RAISED = ("read the error message (in brackets) together with the docstring: the arguments' shapes and types, and "
           "what must come back.")
_IN_PLACE = ("the function changed its argument {arg!r} in place (the cells after it would see the "
             "changed values): leave the inputs as they are and build the result in a new object, a copy.")
_TIMEOUT = ("a loop that never ends? Check what makes each loop stop. Every case here is tiny, so a "
            "correct answer takes well under a second.")
_TYPE = ("the docstring says what comes back, container and dtype included: the cells after this one "
         "rely on it.")


def verdicts():
    """The verdicts of this kernel's checks so far: a list of dicts (exercise, status, kind, message)."""
    return list(_VERDICTS)


def check_function(name, learner, reference, cases, *, mistakes=(), hint, more="", outputs=None,
                   rtol=1e-6, atol=1e-8, fallback_name=None, may_change=(), source=None, time_limit=None):
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
        The hint (the concept to revisit) when the result matches no known mistake.
    more : str
        What a repeated failure of that kind adds.
    outputs : sequence of str, optional
        Names of the parts of a tuple result (``("dx", "dW", "db")``), used in messages.
    fallback_name : str, optional
        How to name the reference in the message (default ``the reference <name>``).
    may_change : sequence of int
        Positions of arguments the function may change (all others must stay unchanged).
    source : callable, optional
        The function whose code the hints must not quote (default ``reference``).
    time_limit : float, optional
        Seconds per call (default ``$SSLCOURSE_CHECK_TIME_LIMIT`` or 10).

    Returns
    -------
    callable
        ``learner`` if every case passes, else ``reference``.
    """
    REGISTRY[name] = Exercise(name, reference, source or reference, tuple(cases), tuple(mistakes), hint, more,
                              tuple(outputs) if outputs else None)
    fallback = f"\nThe cells below use {fallback_name or 'the reference ' + name} so you can go on."
    limit = time_limit or float(os.environ.get("SSLCOURSE_CHECK_TIME_LIMIT", DEFAULT_TIME_LIMIT))
    try:
        status, kind, message = _verdict(name, learner, reference, cases, mistakes, hint, more, outputs,
                                         rtol, atol, may_change, limit)
    except Exception as err:  # a bug in a checker must not reach the learner either
        status, kind, message = "not_yet", "checker", (f"[NOT YET] {name}: the checker could not finish "
                                                      f"({type(err).__name__}); tell your instructor.")
    if status == "ok":
        _say(name, status, kind, message)
        return learner
    _say(name, status, kind, message + fallback)
    return reference


def run_experiment(name, learner, reference, args, tests, *, time_limit=None):
    """Run the learner's experiment ``learner(*args)`` under a time limit, and judge its numbers
    with ``tests(result)`` (a list for ``check_plausible``). Returns the result the next cells
    should use: the learner's when plausible, else the reference's (and it says so)."""
    fallback = f"The cells below use the reference {name}'s numbers so you can go on."
    time_limit = time_limit or float(os.environ.get("SSLCOURSE_CHECK_TIME_LIMIT", 60.0))
    if learner is reference or not callable(learner):
        _say(name, "not_yet", "not_a_function", f"[NOT YET] {name}: pass your function {name} itself "
             f"(run the cell that defines it first).\n{fallback}")
        return reference(*args)
    try:
        result = call_with_time_limit(learner, args, {}, time_limit)
    except NotImplementedError:
        _say(name, "todo", "todo", f"[TODO] {name} is not written yet: fill in the cell above, then run it "
             f"and this one again.\n{fallback}")
        return reference(*args)
    except TimeLimit:
        _say(name, "not_yet", "timeout", f"[NOT YET] {name} did not finish within {time_limit:g} s.\n"
             f"Hint: {_TIMEOUT}\n{fallback}")
        return reference(*args)
    except (Exception, SystemExit) as err:
        _say(name, "not_yet", f"raised {type(err).__name__}", f"[NOT YET] {name} raised {type(err).__name__} "
             f"({_short(err)}).\nHint: {_RAISED}\n{fallback}")
        return reference(*args)
    if check_plausible(name, tests(result)):
        return result
    print(fallback)
    return reference(*args)


def check_plausible(name, tests, *, done=True):
    """The verdict on an experiment: ``tests`` is a list of (what is checked, held, hint).

    The learner's numbers are plausible when every test holds; the first that does not is
    reported with its hint. ``done=False`` (the learner's numbers are missing) reports [TODO].
    Never raises: a test that cannot be evaluated counts as not holding. Returns whether all held.
    """
    if not done:
        _say(name, "todo", "todo", f"[TODO] {name}: run your experiment above first, then this cell again.")
        return False
    for i, (what, held, hint) in enumerate(tests):
        try:
            ok = bool(held() if callable(held) else held)
        except Exception:
            ok = False
        if not ok:
            _say(name, "not_yet", f"test {i + 1}", f"[NOT YET] {name}: {what}: not so in your numbers.\n"
                 f"Hint: {_tiered(name, f'test {i + 1}', hint, '')}")
            return False
    _say(name, "ok", "ok", f"[OK] {name}: your numbers are plausible ({len(tests)} checks).")
    return True


def _verdict(name, learner, reference, cases, mistakes, hint, more, outputs, rtol, atol, may_change, limit):
    if learner is reference:
        return "not_yet", "reference", (
            f"[NOT YET] {name}: this is the package's reference, not your function (a checker hands it on "
            f"after a failed check). Run the cell that defines {name} again, then this one.")
    if not callable(learner):
        return "not_yet", "not_a_function", (
            f"[NOT YET] {name}: expected a function, got {type(learner).__name__}. "
            f"Run the cell that defines {name} first, then pass the function itself (no brackets).")
    arg_names = _arg_names(reference)
    for case in cases:
        expected = reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        before = snapshot(args)
        try:
            got = call_with_time_limit(learner, args, kwargs, limit)
        except NotImplementedError:
            return "todo", "todo", f"[TODO] {name} is not written yet: fill in the cell above, then run it and this one again."
        except TimeLimit:
            return "not_yet", "timeout", (f"[NOT YET] {name} did not return within {limit:g} s on {case.label}.\n"
                                          f"Hint: {_TIMEOUT}")
        except (Exception, SystemExit) as err:  # the learner's code raised: turn it into a hint
            kind = f"raised {type(err).__name__}"
            return "not_yet", kind, (f"[NOT YET] {name} raised {type(err).__name__} ({_short(err)}) on {case.label}.\n"
                                     f"Hint: {_tiered(name, kind, _RAISED, hint)}")
        for i, (old, new) in enumerate(zip(before, args)):
            if i not in may_change and not unchanged(old, new):
                arg = arg_names[i] if i < len(arg_names) else f"argument {i + 1}"
                return "not_yet", "in_place", (f"[NOT YET] {name} on {case.label}: its input {arg!r} was changed.\n"
                                               f"Hint: {_IN_PLACE.format(arg=arg)}")
        try:
            compare(expected, got, outputs, rtol, atol)
        except Failure as failure:
            kind, specific, specific_more = _diagnose(got, case, mistakes, outputs, rtol, atol)
            if specific is None:
                kind, specific, specific_more = (("type", _TYPE, hint) if failure.kind in ("type", "dtype")
                                                 else ("other", hint, more))
            return "not_yet", kind, (f"[NOT YET] {name} on {case.label}: {failure}.\n"
                                     f"Hint: {_tiered(name, kind, specific, specific_more)}")
    return "ok", "ok", f"[OK] {name}: all {len(cases)} checks pass."


def _tiered(name, kind, first, second):
    """The first hint; from the second failure of the same kind on, the second one too."""
    seen = _SEEN.get((name, kind), 0)
    _SEEN[(name, kind)] = seen + 1
    return first if seen == 0 or not second else f"{first}\nMore: {second}"


def _diagnose(got, case, mistakes, outputs, rtol, atol):
    for i, mistake in enumerate(mistakes):
        try:
            wrong = mistake.wrong(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            compare(wrong, got, outputs, rtol, atol)
        except Exception:  # a planted bug that fails or differs: not this mistake
            continue
        return f"mistake {i + 1}", mistake.hint, mistake.more
    return None, None, None


def _say(name, status, kind, message):
    print(message)
    record = {"exercise": name, "status": status, "kind": kind, "message": message}
    _VERDICTS.append(record)
    path = os.environ.get("SSLCOURSE_GRADE_LOG") or _LOG_PATH
    if path:
        try:
            with open(path, "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")
        except OSError:
            pass


def _arg_names(fn):
    try:
        code = fn.__code__
        return list(code.co_varnames[: code.co_argcount])
    except AttributeError:
        return []


def _short(err, limit=120):
    try:
        text = str(err).splitlines()[0] if str(err) else "no message"
    except Exception:
        text = "no message"
    return text if len(text) <= limit else text[: limit - 3] + "..."


describe = describe  # re-exported for the lesson modules
