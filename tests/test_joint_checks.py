"""The checkers of lesson 10 against their references, stubs, and planted wrong answers.

Each planted mistake is an independent wrong implementation written here (not the checker's own), so the
test shows that a learner making that mistake gets that hint, and none passes.
"""
import re

import numpy as np
import pytest

import sslcourse.checks as checks
from sslcourse import augment, joint
from sslcourse.checks import lesson10 as l10


def stub(*args, **kwargs):
    raise NotImplementedError


def _cos_logits(z1, z2, t, normalise=True, self_out=True):
    z = np.vstack([z1, z2])
    if normalise:
        z = z / np.sqrt((z**2).sum(axis=1))[:, None]
    s = z @ z.T / t
    if self_out:
        s = s - np.diag(np.full(len(z), np.inf))
    return s


def _ce(s, total=False):
    n = len(s)
    target = np.r_[np.arange(n // 2, n), np.arange(n // 2)]
    each = np.log(np.exp(s - s.max(1, keepdims=True)).sum(1)) + s.max(1) - s[np.arange(n), target]
    return float(each.sum() if total else each.mean())


# ---- info_nce_loss, as a learner might get it wrong
def loss_dot_products(z1, z2, t):
    return _ce(_cos_logits(z1, z2, t, normalise=False))


def loss_with_self(z1, z2, t):
    return _ce(_cos_logits(z1, z2, t, self_out=False))


def loss_times_t(z1, z2, t):
    return _ce(_cos_logits(z1, z2, 1 / t))


def loss_clip_style(z1, z2, t):
    a, b = z1 / np.linalg.norm(z1, axis=1)[:, None], z2 / np.linalg.norm(z2, axis=1)[:, None]
    s = a @ b.T / t
    return float(np.mean(np.log(np.exp(s).sum(1)) - np.diag(s)))


def loss_total(z1, z2, t):
    return _ce(_cos_logits(z1, z2, t), total=True)


# ---- info_nce_grad
def _grad(z1, z2, t, *, norm=True, sym=True, mean=True, target=True, tau=True):
    z = np.vstack([z1, z2])
    n = len(z)
    r = np.sqrt((z**2).sum(1))[:, None]
    u = z / r
    s = u @ u.T / t - np.diag(np.full(n, np.inf))
    p = np.exp(s - s.max(1, keepdims=True))
    p = p / p.sum(1, keepdims=True)
    if target:
        p[np.arange(n), np.r_[np.arange(n // 2, n), np.arange(n // 2)]] -= 1
    if mean:
        p = p / n
    du = (p + p.T if sym else p) @ u / (t if tau else 1)
    dz = (du - (du * u).sum(1, keepdims=True) * u) / r if norm else du
    return dz[: n // 2], dz[n // 2:]


def grad_of_u(z1, z2, t):
    return _grad(z1, z2, t, norm=False)


def grad_one_side(z1, z2, t):
    return _grad(z1, z2, t, sym=False)


def grad_of_sum(z1, z2, t):
    return _grad(z1, z2, t, mean=False)


def grad_softmax_only(z1, z2, t):
    return _grad(z1, z2, t, target=False)


def grad_no_tau(z1, z2, t):
    return _grad(z1, z2, t, tau=False)


def grad_swapped(z1, z2, t):
    a, b = _grad(z1, z2, t)
    return b, a


# ---- shift_images
def shift_roll(images, offsets):
    return np.array([np.roll(np.roll(im, r, axis=0), c, axis=1) for im, (r, c) in zip(images, offsets)])


def shift_swapped_axes(images, offsets):
    return augment.shift(images, np.fliplr(offsets).copy())


def shift_negated(images, offsets):
    return augment.shift(images, -offsets)


def shift_first_offset(images, offsets):
    return augment.shift(images, np.repeat(offsets[:1], len(images), axis=0))


def shift_identity(images, offsets):
    return images.copy()


# ---- effective_rank
def _p_entropy(values):
    p = values / values.sum() if values.sum() > 1e-12 else np.zeros(0)
    p = p[p > 0]
    return -(p * np.log(p)).sum()


def rank_uncentred(z):
    s = np.linalg.svd(z, compute_uv=False)
    return float(np.exp(_p_entropy(s)))


def rank_eigen(z):
    c = z - z.mean(0)
    ev = np.clip(np.linalg.eigvalsh(c.T @ c), 0, None)
    return float(np.exp(_p_entropy(ev))) if ev.sum() > 1e-12 else 0.0


def rank_entropy(z):
    return float(_p_entropy(np.linalg.svd(z - z.mean(0), compute_uv=False)))


def rank_counted(z):
    s = np.linalg.svd(z - z.mean(0), compute_uv=False)
    return float((s > 1e-10 * max(s.max(), 1e-300)).sum()) if s.max() > 1e-12 else 0.0


def rank_max(z):
    s = np.linalg.svd(z - z.mean(0), compute_uv=False)
    return float(s.sum() / s.max()) if s.max() > 1e-12 else 0.0


EXERCISES = {
    "info_nce_loss": (checks.check_info_nce_loss, l10._info_nce_loss,
                      [(loss_dot_products, "plain dot products"), (loss_with_self, "among its own candidates"),
                       (loss_times_t, "multiplies the similarities"), (loss_clip_style, "other view's batch"),
                       (loss_total, "summed over the views")]),
    "info_nce_grad": (checks.check_info_nce_grad, l10._info_nce_grad,
                      [(grad_of_u, "through the scaling"), (grad_one_side, "as a row and as a column"),
                       (grad_of_sum, "summed loss"), (grad_softmax_only, "not the target's"),
                       (grad_no_tau, "temperature is missing"), (grad_swapped, "swapped")]),
    "shift_images": (checks.check_shift_images, l10._shift_images,
                     [(shift_roll, "come back at the other"), (shift_swapped_axes, "rows and columns are swapped"),
                      (shift_negated, "the wrong way"), (shift_first_offset, "first image's offset"),
                      (shift_identity, "unchanged")]),
    "effective_rank": (checks.check_effective_rank, l10._effective_rank,
                       [(rank_uncentred, "mean is left in"), (rank_eigen, "squared singular values"),
                        (rank_entropy, "this is the entropy"), (rank_counted, "counts the non-zero"),
                        (rank_max, "divided by the largest")]),
}
NAMES = sorted(EXERCISES)


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_passes(name, capsys):
    checker, reference, _ = EXERCISES[name]

    def mine(*args, **kwargs):
        return reference(*args, **kwargs)

    assert checker(mine) is mine
    out = capsys.readouterr()
    assert out.out.startswith(f"[OK] {name}: all ") and out.err == ""


def test_the_package_functions_pass_the_checkers(capsys):
    """The lesson's package code and the checkers' references agree."""
    assert checks.check_info_nce_loss(lambda a, b, t: joint.info_nce_forward(a, b, temperature=t)[0])
    assert checks.check_info_nce_grad(lambda a, b, t: joint.info_nce(a, b, temperature=t)[1:])
    assert checks.check_shift_images(augment.shift)
    assert checks.check_effective_rank(joint.effective_rank)
    assert capsys.readouterr().out.count("[OK]") == 4


@pytest.mark.parametrize("name", NAMES)
def test_an_untouched_stub_is_todo_and_the_reference_is_used(name, capsys):
    checker, reference, _ = EXERCISES[name]
    assert checker(stub) is reference
    out = capsys.readouterr().out
    assert out.startswith(f"[TODO] {name} is not written yet")


@pytest.mark.parametrize("name, wrong, hint", [(n, w, h) for n in NAMES for w, h in EXERCISES[n][2]],
                         ids=[f"{n}-{w.__name__}" for n in NAMES for w, _ in EXERCISES[n][2]])
def test_a_planted_mistake_gets_its_hint(name, wrong, hint, capsys):
    checker, reference, _ = EXERCISES[name]
    assert checker(wrong) is reference
    out = capsys.readouterr()
    assert out.out.startswith(f"[NOT YET] {name} on ")
    assert hint in out.out.split("Hint:")[1]
    assert "Traceback" not in out.out and out.err == ""


def test_a_crashing_answer_and_an_unknown_one_get_the_general_hint(capsys):
    assert checks.check_effective_rank(lambda z: 1 / 0) is l10._effective_rank
    assert "raised ZeroDivisionError" in capsys.readouterr().out
    assert checks.check_info_nce_loss(lambda a, b, t: 0.0) is l10._info_nce_loss
    out = capsys.readouterr().out
    assert out.startswith("[NOT YET] info_nce_loss on ") and "cross-entropy of finding its partner" in out


@pytest.mark.parametrize("name", NAMES)
def test_hints_never_quote_code(name):
    """No hint holds code: no call, no numpy name, no assignment or indexing."""
    source = open(l10.__file__).read()
    block = source.split(f"# ---- {name}")[1].split("# ----")[0]
    hints = re.findall(r'"([^"]*)"', block.split("mistakes = [")[1])
    for hint in hints:
        assert not re.search(r"np\.|\w\(|\[|=|\.sum|\.mean", hint), hint
