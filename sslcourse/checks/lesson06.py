"""Checkers for the exercises of lesson 06 (solutions/06_exercises.ipynb): few labels.

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use.
"""
from __future__ import annotations

import numpy as np

from ._core import Case, Mistake, check_function, run_experiment

__all__ = ["check_first_k_per_class", "check_one_hot", "check_mean_and_spread", "check_label_sweep"]

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


def _first_k_classes_in_order_met(labels, order, k):
    picked, seen = [], []
    for i in order:
        if labels[i] not in seen:
            seen.append(labels[i])
    for c in seen:
        picked.append(order[labels[order] == c][:k])
    return np.concatenate(picked)


def _first_k_last(labels, order, k):
    return np.concatenate([order[labels[order] == c][-k:] for c in np.unique(labels)])


def check_first_k_per_class(first_k_per_class):
    """Check ``first_k_per_class(labels, order, k) -> int ndarray (K * k,)``."""
    rng = np.random.default_rng(_RNG_SEED)
    labels = np.array([2, 0, 1, 1, 0, 2, 2, 0, 1, 0, 2, 1])
    cases = [Case("12 items of 3 classes, k=2", (labels, rng.permutation(12), 2)),
             Case("k=1", (labels, rng.permutation(12), 1)),
             Case("k=4, every item", (labels, rng.permutation(12), 4))]
    mistakes = [
        Mistake(_first_k_by_index, "the random order is ignored: the first items by index are always the "
                "same, so every draw would pick the same subset.", "Walk through order, not through 0, 1, 2..."),
        Mistake(_first_k_overall, "these are the first K * k items of order, whatever their class: take k "
                "of each class.", "Keep a count per class."),
        Mistake(_labels_not_indices, "these are labels: return the indices of the chosen items.",
                "The result indexes into labels; it is not made of labels."),
        Mistake(_first_k_classes_in_order_met, "the classes come in the order first met: class 0's items "
                "come first, then class 1's, and so on.", "Go through the classes in increasing order."),
        Mistake(_first_k_last, "these are the last k of each class in order: take the first k.",
                "The first k items of a class met while walking through order."),
    ]
    return check_function("first_k_per_class", first_k_per_class, _first_k_per_class, cases,
                          mistakes=mistakes,
                          hint="a labelled subset drawn at random: k items of every class, the ones met first "
                               "while walking through the random order; their indices, as an int array.",
                          more="One class at a time, in increasing order: the items of that class in the "
                               "order given, the first k of them.")


# ---- one_hot: the features of a model that learned nothing about words
def _one_hot(ids, n):
    out = np.zeros((len(ids), n))
    out[np.arange(len(ids)), ids] = 1.0
    return out


def _one_hot_transposed(ids, n):
    return _one_hot(ids, n).T


def _one_hot_shifted(ids, n):
    return _one_hot((ids - 1) % n, n)


def _one_hot_ints(ids, n):
    return _one_hot(ids, n).astype(np.int64)


def _one_hot_sorted_ids(ids, n):
    return _one_hot(np.sort(ids), n)


def _one_hot_counts(ids, n):
    return np.tile(np.bincount(ids, minlength=n).astype(float), (len(ids), 1)) / len(ids)


def check_one_hot(one_hot):
    """Check ``one_hot(ids, n) -> ndarray (M, n)``."""
    cases = [Case("ids [2, 0, 3] among n=5", (np.array([2, 0, 3]), 5)),
             Case("one id, the last of n=4", (np.array([3]), 4)),
             Case("repeated ids", (np.array([1, 1, 0, 2, 2, 2]), 3))]
    mistakes = [
        Mistake(_one_hot_transposed, "the result is transposed: one row per id, one column per word.",
                "The shape is (M, n)."),
        Mistake(_one_hot_shifted, "the 1 is one place off: ids start at 0, and so do columns.",
                "Row i's 1 sits in the column that ids[i] names."),
        Mistake(_one_hot_sorted_ids, "the rows are sorted: row i is the one-hot of the i-th id, in the "
                "order given.", "Keep the order of ids."),
        Mistake(_one_hot_counts, "every row holds the frequencies of all the ids: each row describes its "
                "own id only.", "Each row has a single 1."),
        Mistake(_one_hot_ints, "the rows are integers: the docstring asks for float features, which the "
                "probe multiplies with float weights.", "Start from an array of float zeros."),
    ]
    return check_function("one_hot", one_hot, _one_hot, cases, mistakes=mistakes,
                          hint="one-hot features: a row per id, a column per word, all zeros but a single 1.",
                          more="Start from zeros of shape (M, n) and set one entry in each row.")


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


def _spread_range(scores):
    scores = np.asarray(scores, dtype=float)
    return float(scores.mean()), float((scores.max() - scores.min()) / 2)


def _spread_median(scores):
    scores = np.asarray(scores, dtype=float)
    return float(np.median(scores)), float(scores.std())


def check_mean_and_spread(mean_and_spread):
    """Check ``mean_and_spread(scores) -> (mean, std)``."""
    rng = np.random.default_rng(_RNG_SEED)
    cases = [Case("10 accuracies", (rng.uniform(0.5, 0.9, 10),)),
             Case("two draws", (np.array([0.6, 0.8]),)),
             Case("all draws equal", (np.full(4, 0.7),))]
    mistakes = [
        Mistake(_spread_sample, "that is the sample standard deviation (divided by n - 1): the exercise "
                "asks for the plain one, divided by n.", "numpy's default divides by n."),
        Mistake(_spread_variance, "that is the variance: its square root is in the same units as the "
                "accuracies.", "Take the square root."),
        Mistake(_spread_of_mean, "that is the standard error of the mean: the spread of the draws "
                "themselves is not divided by the square root of n.", "Leave out the division."),
        Mistake(_spread_range, "that is half the range: the spread here is the standard deviation.",
                "Use every score's distance to the mean, not only the extremes."),
        Mistake(_spread_median, "the centre is the median: the exercise asks for the mean.",
                "Add the scores and divide by how many there are."),
    ]
    return check_function("mean_and_spread", mean_and_spread, _mean_and_spread, cases,
                          mistakes=mistakes, outputs=("mean", "std"),
                          hint="two summaries of the draws: their average, and how far a typical draw lies "
                               "from it (the standard deviation, divided by n); two Python floats.",
                          more="The spread is the square root of the average squared distance to the mean.")


# ---- label_sweep (an experiment): raw pixels with more and more labels
KS = (1, 2, 5, 10)


def _label_sweep(ks, draws=5, seed=0):
    from .. import data, evaluation

    images, labels = data.load_digits()
    pixels = images.reshape(len(images), -1)
    rng = np.random.default_rng(seed)
    train, test = evaluation.split_indices(labels, test_fraction=0.5, rng=rng)
    means, spreads = [], []
    for k in ks:
        scores = []
        for _ in range(draws):
            chosen = _first_k_per_class(labels, train[rng.permutation(len(train))], k)
            scores.append(evaluation.linear_probe(pixels[chosen], labels[chosen], pixels[test], labels[test]))
        mean, spread = _mean_and_spread(scores)
        means.append(mean)
        spreads.append(spread)
    return means, spreads


def _label_tests(result, ks):
    def parts():
        means, spreads = (np.asarray(p, dtype=float) for p in result)
        return means, spreads

    return [
        ("two lists (means, spreads), one number per k, means between 0 and 1",
         lambda: parts()[0].shape == parts()[1].shape == (len(ks),) and np.all((parts()[0] >= 0) & (parts()[0] <= 1)),
         "return (means, spreads): for each k, the mean and the spread of the probe's accuracy over the draws."),
        ("with 1 label per digit, raw pixels score between 0.5 and 0.8", lambda: 0.5 <= parts()[0][0] <= 0.8,
         "score on the held-out test images, with a probe trained on the k chosen images of each digit."),
        ("the mean rises with k", lambda: np.all(np.diff(parts()[0]) > 0),
         "more labels per digit should help: check that each k uses its own subsets."),
        ("with 10 labels per digit, the mean is above 0.85", lambda: parts()[0][-1] > 0.85,
         "with 100 labelled images a linear probe on pixels does well: check the subsets and the test split."),
        ("the spread shrinks from 1 label to 10 and stays below 0.1",
         lambda: parts()[1][-1] < parts()[1][0] and np.all(parts()[1] < 0.1),
         "the spread is over draws of the labelled subset: draw a new random order for each draw."),
    ]


def check_label_sweep(label_sweep):
    """Run ``label_sweep(ks) -> (means, spreads)`` and check that the numbers are plausible."""
    return run_experiment("label_sweep", label_sweep, _label_sweep, (KS,), lambda r: _label_tests(r, KS))
