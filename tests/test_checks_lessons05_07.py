"""The checkers of lessons 05-07 against their references, stubs, and planted wrong answers.

Each planted mistake is an independent wrong implementation written here (not the checker's
own), so the test shows that a learner making that mistake gets that hint.
"""
import numpy as np
import pytest

import sslcourse.checks as checks
from sslcourse.checks import lesson05 as l5
from sslcourse.checks import lesson06 as l6
from sslcourse.checks import lesson07 as l7


def stub(*args, **kwargs):
    raise NotImplementedError


# ---- lesson 05, as a learner might get them wrong
def mse_all_pixels(pred, target, mask):
    return float(np.mean((pred - target) ** 2))


def mse_visible(pred, target, mask):
    err = (pred - target) ** 2
    return float(err[mask == False].mean())  # noqa: E712


def input_keeps_hidden(images, mask):
    flat = images.reshape(images.shape[0], -1)
    return np.hstack([flat, mask.reshape(len(mask), -1) * 1.0])


def input_zeroes_visible(images, mask):
    shown = images * mask
    return np.hstack([shown.reshape(len(images), -1), mask.reshape(len(mask), -1).astype(np.float64)])


def input_pixels_only(images, mask):
    shown = images.copy()
    shown[mask] = 0
    return shown.reshape(len(images), -1)


def fill_in_swapped(images, pred, mask):
    out = pred.copy()
    out[mask] = images[mask]
    return out


def fill_in_all_predicted(images, pred, mask):
    return pred


# ---- lesson 06
def first_k_sorted(labels, order, k):
    return np.concatenate([np.sort(np.flatnonzero(labels == c))[:k] for c in sorted(set(labels))])


def first_k_any_class(labels, order, k):
    return order[: k * len(set(labels.tolist()))]


def one_hot_columns(ids, n):
    return np.eye(n)[:, ids]


def one_hot_one_based(ids, n):
    return np.eye(n)[ids - 1]


def spread_ddof1(scores):
    return float(np.mean(scores)), float(np.std(scores, ddof=1))


def spread_squared(scores):
    return float(np.mean(scores)), float(np.var(scores))


# ---- lesson 07
def assign_argmax(x, centroids):
    d = ((x[:, None] - centroids[None]) ** 2).sum(-1)
    return np.argmax(d, axis=1)


def assign_l1(x, centroids):
    return np.array([np.argmin([np.abs(p - c).sum() for c in centroids]) for p in x])


def update_zero_when_empty(x, labels, centroids):
    return np.array([x[labels == k].mean(0) if (labels == k).any() else np.zeros(x.shape[1])
                     for k in range(len(centroids))])


def update_sums(x, labels, centroids):
    out = centroids.copy()
    np.add.at(out, labels, 0)
    for k in set(labels.tolist()):
        out[k] = x[labels == k].sum(0)
    return out


def pp_distances(x, centres):
    d = np.linalg.norm(x[:, None] - centres[None], axis=-1).min(1)
    return d / d.sum()


def pp_unnormalised(x, centres):
    return ((x[:, None] - centres[None]) ** 2).sum(-1).min(1)


EXERCISES = {
    # name: (checker, reference, [(planted wrong answer, words of its hint)])
    "masked_mse": (checks.check_masked_mse, l5._masked_mse,
                   [(mse_all_pixels, "averaged over every pixel"), (mse_visible, "mask polarity is flipped")]),
    "model_input": (checks.check_model_input, l5._model_input,
                    [(input_keeps_hidden, "hidden pixels are still there"),
                     (input_zeroes_visible, "the visible pixels were blanked"),
                     (input_pixels_only, "the mask itself is missing")]),
    "fill_in": (checks.check_fill_in, l5._fill_in,
                [(fill_in_swapped, "two sources are swapped"), (fill_in_all_predicted, "every pixel comes from")]),
    "first_k_per_class": (checks.check_first_k_per_class, l6._first_k_per_class,
                          [(first_k_sorted, "the random order is ignored"),
                           (first_k_any_class, "whatever their class")]),
    "one_hot": (checks.check_one_hot, l6._one_hot,
                [(one_hot_columns, "transposed"), (one_hot_one_based, "one place off")]),
    "mean_and_spread": (checks.check_mean_and_spread, l6._mean_and_spread,
                        [(spread_ddof1, "sample standard deviation"), (spread_squared, "that is the variance")]),
    "assign": (checks.check_assign, l7._assign,
               [(assign_argmax, "farthest centre"), (assign_l1, "absolute differences (L1)")]),
    "update": (checks.check_update, l7._update,
               [(update_zero_when_empty, "empty cluster's centre went to 0"), (update_sums, "the centres are sums")]),
    "plus_plus_probabilities": (checks.check_plus_plus_probabilities, l7._plus_plus_probabilities,
                                [(pp_distances, "proportional to the distance"),
                                 (pp_unnormalised, "do not sum to 1")]),
}
NAMES = sorted(EXERCISES)


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_passes(name, capsys):
    checker, reference, _ = EXERCISES[name]

    def mine(*args, **kwargs):
        return reference(*args, **kwargs)

    assert checker(mine) is mine
    out = capsys.readouterr()
    assert out.out.startswith(f"[OK] {name}: all ") and out.out.endswith(" checks pass.\n")
    assert out.err == ""


@pytest.mark.parametrize("name", NAMES)
def test_an_untouched_stub_is_todo_and_the_reference_is_used(name, capsys):
    checker, reference, _ = EXERCISES[name]
    assert checker(stub) is reference
    out = capsys.readouterr().out
    assert out.startswith(f"[TODO] {name} is not written yet")
    assert f"use the reference {name} so you can go on" in out


@pytest.mark.parametrize("name, wrong, hint", [(n, w, h) for n in NAMES for w, h in EXERCISES[n][2]],
                         ids=[f"{n}-{w.__name__}" for n in NAMES for w, _ in EXERCISES[n][2]])
def test_a_planted_mistake_gets_its_hint(name, wrong, hint, capsys):
    checker, reference, _ = EXERCISES[name]
    assert checker(wrong) is reference
    out = capsys.readouterr()
    assert out.out.startswith(f"[NOT YET] {name} on ")
    assert hint in out.out.split("Hint:")[1]
    assert "Traceback" not in out.out and out.err == ""


def test_an_unknown_wrong_answer_gets_the_general_hint(capsys):
    assert checks.check_assign(lambda x, c: np.zeros(len(x), dtype=int)) is l7._assign
    out = capsys.readouterr().out
    assert out.startswith("[NOT YET] assign on ") and "the centre nearest to it" in out
