"""Checkers for the exercises of lesson 07 (solutions/07_exercises.ipynb): k-means by hand.

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use.
"""
from __future__ import annotations

import numpy as np

from ._core import Case, Mistake, check_function

__all__ = ["check_assign", "check_update", "check_plus_plus_probabilities"]

_RNG_SEED = 707


def _points():
    rng = np.random.default_rng(_RNG_SEED)
    return rng.normal(size=(12, 3)), rng.normal(size=(4, 3))


def _squared(x, centroids):
    return ((x[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)  # (N, 1, D) - (1, K, D) -> (N, K)


# ---- assign: the nearest centre of each point
def _assign(x, centroids):
    return _squared(x, centroids).argmin(axis=1)


def _assign_farthest(x, centroids):
    return _squared(x, centroids).argmax(axis=1)


def _assign_manhattan(x, centroids):
    return np.abs(x[:, None, :] - centroids[None, :, :]).sum(axis=2).argmin(axis=1)


def check_assign(assign):
    """Check ``assign(x, centroids) -> int ndarray (N,)``."""
    x, c = _points()
    cases = [Case("12 points, 4 centres in 3-D", (x, c)),
             Case("one point", (x[:1], c)),
             Case("two centres", (x, c[:2]))]
    mistakes = [
        Mistake(_assign_farthest, "each point goes to its farthest centre: take argmin of the distances."),
        Mistake(_assign_manhattan, "these are absolute differences (L1): k-means uses squared Euclidean "
                "distances, the sum of squared differences."),
    ]
    return check_function("assign", assign, _assign, cases, mistakes=mistakes,
                          hint="distances (N, K) by broadcasting x[:, None, :] - centroids[None, :, :], "
                               "squared and summed over the last axis, then argmin over K.")


# ---- update: each centre to the mean of its points
def _update(x, labels, centroids):
    new = centroids.copy()
    for k in range(len(centroids)):
        if np.any(labels == k):
            new[k] = x[labels == k].mean(axis=0)
    return new


def _update_empty_to_zero(x, labels, centroids):
    new = np.zeros_like(centroids)
    for k in range(len(centroids)):
        if np.any(labels == k):
            new[k] = x[labels == k].mean(axis=0)
    return new


def _update_sum(x, labels, centroids):
    new = centroids.copy()
    for k in range(len(centroids)):
        if np.any(labels == k):
            new[k] = x[labels == k].sum(axis=0)
    return new


def check_update(update):
    """Check ``update(x, labels, centroids) -> ndarray (K, D)``."""
    x, c = _points()
    labels = np.array([0, 1, 2, 3, 0, 1, 2, 3, 0, 0, 1, 2])
    cases = [Case("12 points, 4 clusters", (x, labels, c)),
             Case("cluster 3 is empty", (x, np.where(labels == 3, 0, labels), c)),
             Case("one point per cluster", (x[:4], np.arange(4), c))]
    mistakes = [
        Mistake(_update_empty_to_zero, "an empty cluster's centre went to 0: a centre with no point stays "
                "where it was."),
        Mistake(_update_sum, "the centres are sums: divide by the number of points, the centre is their mean."),
    ]
    return check_function("update", update, _update, cases, mistakes=mistakes,
                          hint="for each cluster k, the mean of x[labels == k]; a cluster with no point keeps "
                               "its centre (the mean of nothing is NaN).")


# ---- plus_plus_probabilities: how k-means++ picks the next centre
def _plus_plus_probabilities(x, centres):
    nearest = _squared(x, centres).min(axis=1)  # (N,) squared distance to the closest chosen centre
    return nearest / nearest.sum()


def _pp_not_squared(x, centres):
    nearest = np.sqrt(_squared(x, centres)).min(axis=1)
    return nearest / nearest.sum()


def _pp_farthest_centre(x, centres):
    farthest = _squared(x, centres).max(axis=1)
    return farthest / farthest.sum()


def _pp_unnormalised(x, centres):
    return _squared(x, centres).min(axis=1)


def check_plus_plus_probabilities(plus_plus_probabilities):
    """Check ``plus_plus_probabilities(x, centres) -> ndarray (N,)``."""
    x, _ = _points()
    cases = [Case("12 points, 2 centres chosen", (x, x[[0, 5]])),
             Case("one centre chosen", (x, x[[3]])),
             Case("three centres chosen", (x, x[[1, 2, 9]]))]
    mistakes = [
        Mistake(_pp_not_squared, "these are proportional to the distance: k-means++ uses its square."),
        Mistake(_pp_farthest_centre, "this uses each point's farthest centre: use the nearest one chosen so "
                "far (min over the centres)."),
        Mistake(_pp_unnormalised, "these do not sum to 1: divide by their sum."),
    ]
    return check_function("plus_plus_probabilities", plus_plus_probabilities, _plus_plus_probabilities,
                          cases, mistakes=mistakes,
                          hint="squared distance of each point to its nearest chosen centre, divided by "
                               "the sum of them all.")
