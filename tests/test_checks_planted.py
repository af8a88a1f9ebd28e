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
EXPERIMENTS = {"check_step_size_sweep", "check_scaling_sweep", "check_own_text_model", "check_temperature_sweep",
               "check_label_sweep", "check_bias_sweep", "check_k_sweep"}
CHECKERS = sorted(set(LESSONS) - EXPERIMENTS)


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
    assert len(ex.mistakes) >= 5, f"{ex.name}: at least 5 named mistakes"
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


# ---- generic wrong answers, made from the reference itself
def _mutate(value):
    """Change ``value`` in place; True when it could."""
    if isinstance(value, np.ndarray) and value.size:
        flat = value.reshape(-1) if value.flags.c_contiguous else None
        if flat is None:
            return False
        flat[0] = ~flat[0] if value.dtype == bool else flat[0] + 1
        return True
    if type(value).__module__.startswith("torch") and value.numel() and not value.requires_grad:
        if value.device.type == "meta":
            return False
        view = value.view(-1)
        view[0] = ~view[0] if value.dtype.is_floating_point is False and str(value.dtype) == "torch.bool" else view[0] + 1
        return True
    if isinstance(value, list):
        value.append(value[0] if value else "x")
        return True
    if isinstance(value, tuple):
        return any(_mutate(v) for v in value)
    return False


def in_place(reference):
    def learner(*args, **kwargs):
        result = reference(*[_detached_copy(a) for a in args], **kwargs)
        for arg in args:
            if _mutate(arg):
                break
        return result
    return learner


def _detached_copy(value):
    """A copy the reference may use while the original is changed (tensors with a gradient kept)."""
    if type(value).__module__.startswith("torch"):
        return value if value.requires_grad else value.clone()
    return _copy(value)


def _recontain(result):
    if isinstance(result, np.ndarray):
        return result.tolist()
    if isinstance(result, tuple):
        return result[0]
    if isinstance(result, list):
        return tuple(result)
    if type(result).__module__.startswith("torch"):
        return result.detach().cpu().numpy() if result.device.type != "meta" else None
    if isinstance(result, (float, int)):
        return np.array([result])
    return None


def wrong_container(reference):
    return lambda *args, **kwargs: _recontain(reference(*args, **kwargs))


class Odd:
    """A result that fails at everything: comparison, len, repr, conversion to an array."""

    def __eq__(self, other):
        raise RuntimeError("no")

    __ne__ = __lt__ = __gt__ = __eq__

    def __len__(self):
        raise RuntimeError("no")

    def __repr__(self):
        raise RuntimeError("no")

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")

    def __float__(self):
        raise RuntimeError("no")


def _mutable_args(ex):
    return any(_mutate(_copy(a)) for a in ex.cases[0].args)


def _copy(x):
    import copy
    return copy.deepcopy(x)


def _expect_not_yet(checker, fn, name, words=()):
    used, out = _run(checker, fn)
    assert out.startswith(f"[NOT YET] {name}"), out
    assert "Traceback" not in out
    for w in words:
        assert w in out, (w, out)
    return out


@pytest.mark.parametrize("checker_name", CHECKERS)
def test_generic_wrong_answers_are_caught_without_a_traceback(checker_name, monkeypatch):
    checker, ex = _exercise(checker_name)
    reference = ex.reference
    name = ex.name
    used, out = _run(checker, lambda *a, **k: reference(*a, **k))
    assert out.startswith(f"[OK] {name}: all ")
    _expect_not_yet(checker, wrong_container(reference), name, ["expected"])
    _expect_not_yet(checker, lambda *a, **k: Odd(), name)
    _expect_not_yet(checker, lambda *a, **k: [Odd()], name)
    _expect_not_yet(checker, lambda *a, **k: 1 / 0, name, ["raised ZeroDivisionError"])
    _expect_not_yet(checker, reference, name, ["this is the package's reference"])
    if _mutable_args(ex):  # (training_step's arguments are made inside the checker, for each call)
        _expect_not_yet(checker, in_place(reference), name, ["in place", "was changed"])
    monkeypatch.setenv("SSLCOURSE_CHECK_TIME_LIMIT", "0.3")

    def forever(*args, **kwargs):
        while True:
            pass

    _expect_not_yet(checker, forever, name, ["did not return within 0.3 s"])


def test_tiers_say_more_the_second_time():
    checker = checks.check_one_hot
    _, first = _run(checker, lambda ids, n: np.zeros((len(ids), n)))
    _, second = _run(checker, lambda ids, n: np.zeros((len(ids), n)))
    assert "More:" not in first and "More:" in second


def test_verdicts_are_kept_as_data(tmp_path, monkeypatch):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("SSLCOURSE_GRADE_LOG", str(log))
    _run(checks.check_causal_mask, lambda L: np.triu(np.ones((L, L), dtype=bool), k=1))
    print("[OK] causal_mask: all 3 checks pass.")  # printing earns nothing
    _run(checks.check_one_hot, stub)
    import json
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["exercise"], r["status"]) for r in records] == [("causal_mask", "ok"), ("one_hot", "todo")]
    assert checks.verdicts()[-1]["exercise"] == "one_hot"


def test_importing_the_checkers_loads_no_torch():
    import subprocess
    import sys
    code = "import sys, sslcourse.checks as c; c.check_one_hot; c.check_layer_norm; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# ---- experiments: the learner's sweep is run and its numbers judged plausible or not
from sslcourse.checks import lesson02 as l2  # noqa: E402
from sslcourse.checks import lesson03 as l3  # noqa: E402
from sslcourse.nn_numpy.gradcheck import numerical_gradient, relative_error  # noqa: E402


def sweep_one_sided(steps, x, W, G):
    f = lambda W_: np.sum(np.tanh(x @ W_) * G)  # noqa: E731
    analytic = x.T @ ((1 - np.tanh(x @ W) ** 2) * G)
    errors = []
    for h in steps:
        g = np.zeros_like(W)
        for i in np.ndindex(W.shape):
            Wp = W.copy()
            Wp[i] += h
            g[i] = (f(Wp) - f(W)) / h
        errors.append(relative_error(analytic, g))
    return errors


def sweep_wrong_derivative(steps, x, W, G):
    f = lambda W_: np.sum(np.tanh(x @ W_) * G)  # noqa: E731
    analytic = x.T @ G  # forgets tanh'
    return [relative_error(analytic, numerical_gradient(f, W, eps=h)) for h in steps]


def sweep_steps_too_large(steps, x, W, G):
    return l2._step_size_sweep(steps * 1000, x, W, G)  # the steps given were not the ones used


def sweep_too_few(steps, x, W, G):
    return l2._step_size_sweep(steps[:5], x, W, G)


def sweep_nan(steps, x, W, G):
    return [float("nan")] * len(steps)


def scaling_both_scaled(dims):
    scaled, _ = l3._scaling_sweep(dims)
    return scaled, scaled


def scaling_never_scaled(dims):
    _, unscaled = l3._scaling_sweep(dims)
    return unscaled, unscaled


def scaling_swapped(dims):
    scaled, unscaled = l3._scaling_sweep(dims)
    return unscaled, scaled


def scaling_scaled_by_width(dims):
    rng = np.random.default_rng(0)
    out = []
    for d in dims:
        q, k = rng.standard_normal((200, 8, d)), rng.standard_normal((200, 8, d))
        out.append(float(l3._softmax(q @ k.transpose(0, 2, 1) / d).max(axis=-1).mean()))
    return out, l3._scaling_sweep(dims)[1]


def scaling_one_list(dims):
    return l3._scaling_sweep(dims)[0]


from sslcourse.checks import lesson06 as l6  # noqa: E402
from sslcourse.checks import lesson08 as l8  # noqa: E402

_LABELS = {}


def _labels(ks):
    if ks not in _LABELS:
        _LABELS[ks] = l6._label_sweep(ks)
    return _LABELS[ks]


from sslcourse.checks import lesson07 as l7  # noqa: E402

_KS = {}


def _kmeans(ks):
    if ks not in _KS:
        _KS[ks] = l7._k_sweep(ks)
    return _KS[ks]


EXPERIMENT_MISTAKES = {
    "check_k_sweep": (lambda ks: _kmeans(tuple(ks)), [
        (lambda ks: (_kmeans(tuple(ks))[0][::-1], _kmeans(tuple(ks))[1]), "the inertia falls"),
        (lambda ks: ([v * 64 for v in _kmeans(tuple(ks))[0]], _kmeans(tuple(ks))[1]), "mean squared distance per image"),
        (lambda ks: (_kmeans(tuple(ks))[0], [0.2] * len(ks)), "between 0.6 and 0.85"),
        (lambda ks: (_kmeans(tuple(ks))[0], [0.75] * len(ks)), "well below"),
        (lambda ks: _kmeans(tuple(ks))[0], "two lists")]),
    "check_label_sweep": (lambda ks: _labels(tuple(ks)), [
        (lambda ks: tuple(p[::-1] for p in _labels(tuple(ks))), "between 0.5 and 0.8"),
        (lambda ks: _labels(tuple(ks))[0], "two lists"),
        (lambda ks: ([min(m + 0.3, 1.0) for m in _labels(tuple(ks))[0]], _labels(tuple(ks))[1]), "between 0.5 and 0.8"),
        (lambda ks: (_labels(tuple(ks))[0], [0.0] * len(ks)), "the spread shrinks"),
        (lambda ks: ([_labels(tuple(ks))[0][0]] * len(ks), _labels(tuple(ks))[1]), "rises with k")]),
    "check_bias_sweep": (lambda b: l8._bias_sweep(b), [
        (lambda b: l8._bias_sweep(b)[::-1], "near one half"),
        (lambda b: [0.5] * len(b), "rises with the knob"),
        (lambda b: [1 - r for r in l8._bias_sweep(b)], "rises with the knob"),
        (lambda b: [2 * r for r in l8._bias_sweep(b)], "each between 0 and 1"),
        (lambda b: l8._bias_sweep(b)[:3], "one share of 'his' per knob value")]),
    "check_step_size_sweep": (l2._step_size_sweep, [
        (sweep_one_sided, "falls about 100-fold"), (sweep_wrong_derivative, "below 1e-8"),
        (sweep_steps_too_large, "between 1e-3 and 1e-8"), (sweep_too_few, "one finite relative error per step"),
        (sweep_nan, "one finite relative error per step")]),
    "check_scaling_sweep": (l3._scaling_sweep, [
        (scaling_both_scaled, "grows with the width"), (scaling_never_scaled, "stays about the same"),
        (scaling_swapped, "stays about the same"), (scaling_scaled_by_width, "stays about the same"),
        (scaling_one_list, "two lists")]),
}


@pytest.mark.parametrize("checker_name", sorted(EXPERIMENTS - {"check_own_text_model", "check_temperature_sweep"}))
def test_an_experiment_with_plausible_numbers_passes_and_planted_ones_do_not(checker_name, monkeypatch):
    checker = getattr(checks, checker_name)
    reference, planted = EXPERIMENT_MISTAKES[checker_name]
    assert len(planted) >= 5
    result, out = _run(checker, lambda *a: reference(*a))
    assert out.startswith("[OK] ") and "plausible" in out
    for wrong, words in planted:
        _, out = _run(checker, wrong)
        assert out.startswith("[NOT YET] ") and words in out and "Traceback" not in out, (wrong.__name__, out)
        assert "use the reference" in out
    _, out = _run(checker, stub)
    assert out.startswith("[TODO] ")
    _, out = _run(checker, lambda *a: 1 / 0)
    assert "raised ZeroDivisionError" in out
    monkeypatch.setenv("SSLCOURSE_CHECK_TIME_LIMIT", "0.3")

    def forever(*args):
        while True:
            pass

    _, out = _run(checker, forever)
    assert "did not finish within 0.3 s" in out


class _Corpus:
    """Just what the capstone's checker reads of a corpus: its vocabulary's length."""
    vocabulary = list(range(20))


def _report(**change):
    report = {"baseline": 0.25, "model": 0.5, "n_hidden": 1200, "embeddings": np.zeros((20, 8))}
    report.update(change)
    return lambda corpus, seed=0: {k: v for k, v in report.items() if v is not None}


def test_the_capstone_report_is_judged_plausible_or_not():
    check = checks.check_own_text_model
    _, out = _run(lambda f: check(f, _Corpus()), _report())
    assert out.startswith("[OK] own_text_model")
    planted = [(_report(model=0.27), "beats the most-frequent-word baseline"),
               (_report(n_hidden=50), "at least 200 hidden words"),
               (_report(model=None), "a dict with the accuracies"),
               (_report(model=51.0), "a dict with the accuracies"),
               (_report(embeddings=np.zeros((19, 8))), "one row per word"),
               (lambda corpus, seed=0: [0.25, 0.5], "a dict with the accuracies")]
    from sslcourse.checks import capstone
    original = capstone._train_and_evaluate
    capstone._train_and_evaluate = _report()  # the fallback, without training a model here
    try:
        for wrong, words in planted:
            _, out = _run(lambda f: check(f, _Corpus()), wrong)
            assert out.startswith("[NOT YET] own_text_model") and words in out and "Traceback" not in out, out
    finally:
        capstone._train_and_evaluate = original


def test_the_temperature_sweep_is_judged_plausible_or_not():
    from sslcourse import gpt
    from sslcourse.checks import lesson09 as l9
    p = np.array([0.5, 0.2, 0.1, 0.1, 0.05, 0.05, 0.0])
    logits = np.log(np.maximum(p, 1e-12))
    check = checks.check_temperature_sweep
    _, out = _run(lambda f: check(f, logits), lambda z, ts: l9._temperature_sweep(z, ts))
    assert out.startswith("[OK] temperature_sweep")

    def entropy(q):
        return float(-(q * np.log(np.maximum(q, 1e-300))).sum())

    planted = [
        (lambda z, ts: [entropy(gpt.softmax_with_temperature(z * T, 1.0)) for T in ts], "grows with the temperature"),
        (lambda z, ts: [entropy(gpt.softmax_with_temperature(z, T)) / np.log(2) for T in ts], "between 0 and log V"),
        (lambda z, ts: [float(-(np.log(np.maximum(gpt.softmax_with_temperature(z, T), 1e-300))).sum()) for T in ts],
         "between 0 and log V"),
        (lambda z, ts: [entropy(gpt.softmax_with_temperature(z, T + 1)) for T in ts], "almost greedy"),
        (lambda z, ts: [entropy(gpt.softmax_with_temperature(z, np.sqrt(T))) for T in ts], "almost greedy"),
        (lambda z, ts: [entropy(gpt.softmax_with_temperature(z, T)) for T in ts[:-1]], "one finite entropy"),
    ]
    for wrong, words in planted:
        _, out = _run(lambda f: check(f, logits), wrong)
        assert out.startswith("[NOT YET] temperature_sweep") and words in out, out
