"""Checkers for the exercises of lesson 06 (solutions/06_exercises.ipynb): few labels.

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use.
"""
from __future__ import annotations

import numpy as np

from ._core import Case, Mistake, check_function

__all__ = ["check_first_k_per_class", "check_one_hot", "check_mean_and_spread"]

_RNG_SEED = 606


# ---- first_k_per_class: the labelled subset, given a random order of the items
def _first_k_per_class(labels, order, k):
    picked = []
    for c in np.unique(labels):
        in_order = order[labels[order] == c]  # the items of class c, in the random order
        picked.append(in_order[:k])
    return np.concatenate(picked)


def _first_k_by_index(labels, order, k):
    return np.concatenate([np.flatnonzero(labels == c)[:k] for c in np.unique(labels)])


def _first_k_overall(labels, order, k):
    return order[: k * len(np.unique(labels))]


def _labels_not_indices(labels, order, k):
    return labels[_first_k_per_class(labels, order, k)]


def check_first_k_per_class(first_k_per_class):
    """Check ``first_k_per_class(labels, order, k) -> int ndarray (K * k,)``."""
    rng = np.random.default_rng(_RNG_SEED)
    labels = np.array([2, 0, 1, 1, 0, 2, 2, 0, 1, 0, 2, 1])
    cases = [Case("12 items of 3 classes, k=2", (labels, rng.permutation(12), 2)),
             Case("k=1", (labels, rng.permutation(12), 1)),
             Case("k=4, every item", (labels, rng.permutation(12), 4))]
    mistakes = [
        Mistake(_first_k_by_index, "the random order is ignored: the first items by index are always the "
                "same, so every draw would pick the same subset. Walk through order."),
        Mistake(_first_k_overall, "these are the first K * k items of order, whatever their class: take k "
                "of each class."),
        Mistake(_labels_not_indices, "these are labels: return the indices of the chosen items."),
    ]
    return check_function("first_k_per_class", first_k_per_class, _first_k_per_class, cases,
                          mistakes=mistakes,
                          hint="for each class c in increasing order, keep order[labels[order] == c][:k], "
                               "then concatenate.")


# ---- one_hot: the features of a model that learned nothing about words
def _one_hot(ids, n):
    out = np.zeros((len(ids), n))
    out[np.arange(len(ids)), ids] = 1.0
    return out


def _one_hot_transposed(ids, n):
    return _one_hot(ids, n).T


def _one_hot_shifted(ids, n):
    return _one_hot((ids - 1) % n, n)


def check_one_hot(one_hot):
    """Check ``one_hot(ids, n) -> ndarray (M, n)``."""
    cases = [Case("ids [2, 0, 3] among n=5", (np.array([2, 0, 3]), 5)),
             Case("one id, the last of n=4", (np.array([3]), 4)),
             Case("repeated ids", (np.array([1, 1, 0, 2, 2, 2]), 3))]
    mistakes = [
        Mistake(_one_hot_transposed, "the result is transposed: one row per id, one column per word, "
                "shape (M, n)."),
        Mistake(_one_hot_shifted, "the 1 is one place off: row i has its 1 in column ids[i] (ids start at 0)."),
    ]
    return check_function("one_hot", one_hot, _one_hot, cases, mistakes=mistakes,
                          hint="start from np.zeros((len(ids), n)) and set row i, column ids[i] to 1.")


# ---- mean_and_spread: the summary of several draws
def _mean_and_spread(scores):
    scores = np.asarray(scores, dtype=float)
    mean = scores.mean()
    return float(mean), float(np.sqrt(((scores - mean) ** 2).mean()))


def _spread_sample(scores):
    scores = np.asarray(scores, dtype=float)
    return float(scores.mean()), float(scores.std(ddof=1))


def _spread_variance(scores):
    scores = np.asarray(scores, dtype=float)
    return float(scores.mean()), float(scores.var())


def _spread_of_mean(scores):
    scores = np.asarray(scores, dtype=float)
    return float(scores.mean()), float(scores.std() / np.sqrt(len(scores)))


def check_mean_and_spread(mean_and_spread):
    """Check ``mean_and_spread(scores) -> (mean, std)``."""
    rng = np.random.default_rng(_RNG_SEED)
    cases = [Case("10 accuracies", (rng.uniform(0.5, 0.9, 10),)),
             Case("two draws", (np.array([0.6, 0.8]),)),
             Case("all draws equal", (np.full(4, 0.7),))]
    mistakes = [
        Mistake(_spread_sample, "that is the sample standard deviation (divided by n - 1): use the plain "
                "one, divided by n, as np.std does by default."),
        Mistake(_spread_variance, "that is the variance: take its square root, to be in accuracy units."),
        Mistake(_spread_of_mean, "that is the standard error of the mean: the spread of the draws "
                "themselves is not divided by sqrt(n)."),
    ]
    return check_function("mean_and_spread", mean_and_spread, _mean_and_spread, cases,
                          mistakes=mistakes, outputs=("mean", "std"),
                          hint="mean = the average of the scores; std = the square root of the average "
                               "squared distance to that mean.")
