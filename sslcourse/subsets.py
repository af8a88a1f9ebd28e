"""Labelled subsets and label efficiency: k examples per class (``sample_per_class``), drawn several
times for each k, every method scored on the same draws (``label_efficiency``), results as frozen
``DrawScores`` (mean and spread over draws). Shape letters: N items, K classes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_array, check_int, check_ratio, check_rng

__all__ = ["DrawScores", "LabelEfficiency", "label_efficiency", "plot_label_efficiency", "sample_per_class",
           "split_indices"]


def _check_labels(labels, name="labels"):
    return check_array(labels, name, ndim=1, dtype_kind="iu")


def _check_classes(labels, name):
    """Class labels of any kind: ints, or names (str)."""
    if isinstance(labels, (list, tuple)) and labels and all(isinstance(v, str) for v in labels):
        labels = np.asarray(labels)
    if isinstance(labels, np.ndarray) and labels.dtype.kind == "U":
        if labels.ndim != 1:
            raise ValueError(f"{name} must have 1 axis, got shape {labels.shape}. Reshape it to 1 axis.")
        return labels
    return _check_labels(labels, name)


def split_indices(labels, *, test_fraction=0.5, rng):
    """A stratified split: the same fraction of every class goes to the test side.

    Parameters
    ----------
    labels : int ndarray (N,)
    test_fraction : float in (0, 1)
    rng : numpy.random.Generator

    Returns
    -------
    train, test : sorted int ndarrays of indices
    """
    labels = _check_labels(labels)
    check_rng(rng)
    test_fraction = check_ratio(test_fraction, "test_fraction", fix="Try test_fraction=0.5.")
    test = []
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        test.append(members[: int(round(test_fraction * len(members)))])
    test = np.sort(np.concatenate(test))
    return np.setdiff1d(np.arange(len(labels)), test), test


def sample_per_class(labels, k, *, rng, pool=None):
    """Draw ``k`` items of each class without replacement: a small labelled subset.

    Parameters
    ----------
    labels : int ndarray (N,), the class of every item (or names: a str array or list)
    k : int, examples per class, at most the size of the smallest class in ``pool``
    rng : numpy.random.Generator
    pool : int ndarray of indices into ``labels``, or None for all items

    Returns
    -------
    indices : int ndarray (K * k,), grouped by class in increasing class order
    """
    labels = _check_classes(labels, "labels")
    k = check_int(k, "k", minimum=1)
    check_rng(rng)
    pool = np.arange(len(labels)) if pool is None else check_array(pool, "pool", ndim=1, dtype_kind="iu")
    classes, counts = np.unique(labels[pool], return_counts=True)
    if k > counts.min():
        raise ValueError(f"k must be at most the size of the smallest class, {counts.min()} items "
                         f"(class {classes[counts.argmin()]}), got k={k}. Pass a smaller k or a larger pool.")
    return np.concatenate([rng.choice(pool[labels[pool] == c], size=k, replace=False) for c in classes])


@dataclass(frozen=True)
class DrawScores:
    """The accuracy of one method with ``k`` labels per class, over several labelled draws.

    Attributes
    ----------
    method : str
    k : int, labelled examples per class
    scores : tuple of float, one accuracy per draw
    """

    method: str
    k: int
    scores: tuple

    @property
    def mean(self):
        return float(np.mean(self.scores))

    @property
    def std(self):  # the spread over draws: the population standard deviation, as np.std
        return float(np.std(self.scores))

    def __repr__(self):
        return (f"DrawScores(method={self.method!r}, k={self.k}, mean={self.mean:.2f}, "
                f"std={self.std:.2f}, draws={len(self.scores)})")


@dataclass(frozen=True)
class LabelEfficiency:
    """Every method at every k, on the same labelled draws: ``results``, a tuple of DrawScores."""

    results: tuple

    @property
    def methods(self):
        return tuple(dict.fromkeys(r.method for r in self.results))

    @property
    def ks(self):
        return tuple(sorted({r.k for r in self.results}))

    def get(self, method, k):
        """The ``DrawScores`` of ``method`` at ``k``."""
        for r in self.results:
            if r.method == method and r.k == k:
                return r
        raise KeyError(f"no result for method={method!r}, k={k}: methods are {self.methods}, ks {self.ks}.")

    def table(self, digits=2):
        """A text table: one row per method, one column per k, ``mean ± std``."""
        head = "labels per class"
        width = max(len(head), *(len(m) for m in self.methods))
        lines = [f"{head:<{width}}  " + "  ".join(f"{k:>11}" for k in self.ks)]
        for m in self.methods:
            cells = [f"{self.get(m, k).mean:.{digits}f} ± {self.get(m, k).std:.{digits}f}" for k in self.ks]
            lines.append(f"{m:<{width}}  " + "  ".join(f"{c:>11}" for c in cells))
        return "\n".join(lines)

    def __repr__(self):
        return (f"LabelEfficiency(methods={list(self.methods)}, ks={list(self.ks)}, "
                f"draws={len(self.results[0].scores)})")


def label_efficiency(methods, labels, *, ks, draws=10, rng, pool=None):
    """Score every method on the same labelled subsets: ``draws`` subsets for each k.

    Parameters
    ----------
    methods : dict name -> callable(indices) -> accuracy; ``indices`` are the labelled items
    labels : int ndarray (N,)
    ks : sequence of int, labelled examples per class
    draws : int, subsets drawn for each k (at least 2, so that a spread exists)
    rng : numpy.random.Generator, draws the subsets
    pool : int ndarray of indices the subsets are drawn from, or None for all

    Returns
    -------
    LabelEfficiency
    """
    labels = _check_labels(labels)
    check_rng(rng)
    draws = check_int(draws, "draws", minimum=2)
    if not isinstance(methods, dict) or not methods or not all(callable(f) for f in methods.values()):
        raise TypeError("methods must be a non-empty dict name -> function(indices) -> accuracy, got "
                        f"{type(methods).__name__}. Wrap each method in a function of the labelled indices.")
    if isinstance(ks, (str, bytes)) or not isinstance(ks, (list, tuple, range, np.ndarray)) or not len(ks):
        raise TypeError(f"ks must be a non-empty list of labelled examples per class, got {type(ks).__name__}. "
                        f"Pass ks=(1, 5, 20), say.")
    ks = [check_int(k, "k in ks", minimum=1) for k in ks]
    scores = {(m, k): [] for k in ks for m in methods}
    for k in ks:
        for _ in range(draws):
            subset = sample_per_class(labels, k, rng=rng, pool=pool)
            for name, method in methods.items():
                scores[name, k].append(float(method(subset)))
    return LabelEfficiency(tuple(DrawScores(m, k, tuple(scores[m, k])) for m in methods for k in ks))


def plot_label_efficiency(result, *, ax=None, chance=None):
    """Mean accuracy against labels per class, one line per method, a band of ± one std; (fig, ax)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4)) if ax is None else (ax.figure, ax)
    ks = np.array(result.ks)
    for method in result.methods:
        mean = np.array([result.get(method, k).mean for k in ks])
        std = np.array([result.get(method, k).std for k in ks])
        ax.plot(ks, mean, marker="o", label=method)
        ax.fill_between(ks, mean - std, mean + std, alpha=0.2)
    if chance is not None:
        ax.axhline(chance, color="grey", linestyle=":", label="chance")
    ax.set(xscale="log", xticks=ks, xticklabels=[str(k) for k in ks], xlabel="labelled examples per class",
           ylabel="test accuracy")
    ax.legend(fontsize="small")
    return fig, ax
