"""Every checker against its planted wrong answers, generic wrong answers, and its own hints.

For each exercise: the reference passes; each of the checker's planted mistakes is caught with
its own hint (and never passes); answers that change an input in place, come back in the wrong
container or dtype, raise, or return odd objects are caught without a traceback; and no hint
quotes the reference's code. ``PLANTED`` gives the counts per lesson (the report quotes them).
"""
import ast
import io
import keyword
import re
import textwrap
import tokenize
from contextlib import redirect_stdout
import inspect

import numpy as np
import pytest

import sslcourse.checks as checks
from sslcourse.checks import _core

LESSONS = {name: module for module, names in checks._LAZY.items() for name in names}
LESSONS.update({n: m for m in ("lesson01", "lesson02", "lesson03")
                for n in getattr(checks, m).__all__})
CHECKERS = sorted(LESSONS)


def stub(*args, **kwargs):
    raise NotImplementedError


def _run(checker, fn):
    out = io.StringIO()
    with redirect_stdout(out):
        used = checker(fn)
    return used, out.getvalue()


def _exercise(checker_name):
    checker = getattr(checks, checker_name)
    _run(checker, stub)  # fills the registry
    name = checker_name[len("check_"):]
    name = {"masked_cross_entropy_torch": "masked_cross_entropy"}.get(name, name)
    return checker, _core.REGISTRY[name]


@pytest.fixture(autouse=True)
def fresh_tiers():
    _core._SEEN.clear()
    yield
    _core._SEEN.clear()


@pytest.mark.parametrize("checker_name", CHECKERS)
def test_every_planted_mistake_is_caught_with_its_own_hint(checker_name):
    checker, ex = _exercise(checker_name)
    assert len(ex.mistakes) >= 3, f"{ex.name}: at least 3 named mistakes"
    hints = [m.hint for m in ex.mistakes]
    assert len(set(hints)) == len(hints), f"{ex.name}: two mistakes share a hint"
    for mistake in ex.mistakes:
        used, out = _run(checker, mistake.wrong)
        assert out.startswith(f"[NOT YET] {ex.name} on "), (ex.name, mistake.hint, out)
        assert mistake.hint in out, (ex.name, mistake.hint, out)
        assert "Traceback" not in out and "More:" not in out
        used, again = _run(checker, mistake.wrong)  # the same mistake again: the second tier
        assert mistake.hint in again and ("More: " + mistake.more) in again, (ex.name, again)


def _code_only(fn):
    """The reference's body without its signature, docstring and comments, whitespace removed."""
    source = textwrap.dedent(inspect.getsource(fn))
    tree = ast.parse(source)
    node = tree.body[0]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        body = [b for b in node.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
        source = "\n".join(ast.unparse(b) for b in body)
    else:  # a lambda in an assignment
        source = ast.unparse(node)
    return re.sub(r"\s+", "", source)


def _quotes(hint, code, width=8):
    """Pieces of ``hint`` (``width`` characters, spaces removed, with an operator or bracket in
    them) that occur in ``code``: quoted code or formula."""
    text = re.sub(r"\s+", "", re.sub(r"[.,:;]+(\s|$)", " ", hint))  # sentence punctuation is not code
    found = set()
    for i in range(len(text) - width + 1):
        piece = text[i:i + width]
        if re.search(r"[()\[\]@=*/.+-]", piece) and re.search(r"[A-Za-z_]", piece) and piece in code:
            found.add(piece)
    return found


@pytest.mark.parametrize("checker_name", CHECKERS)
def test_no_hint_quotes_the_reference(checker_name):
    _, ex = _exercise(checker_name)
    code = _code_only(ex.source)
    texts = [ex.hint, ex.more] + [m.hint for m in ex.mistakes] + [m.more for m in ex.mistakes]
    for text in texts:
        assert not _quotes(text, code), f"{ex.name}: hint quotes the reference: {_quotes(text, code)} in {text!r}"


def test_the_quote_finder_can_fail():
    def reference(dout, x, W):
        return dout @ W.T, x.T @ dout, dout.sum(axis=0)

    code = _code_only(reference)
    assert _quotes("dx is dout @ W.T here", code)
    assert _quotes("use dout.sum(axis=0)", code)
    assert not _quotes("each gradient has the shape of what it is the gradient of", code)
