"""Checkers for the exercises of lesson 07 (solutions/07_exercises.ipynb): k-means by hand.

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use.
"""
from __future__ import annotations

import numpy as np

from ._core import Case, Mistake, check_function, run_experiment

__all__ = ["check_assign", "check_update", "check_plus_plus_probabilities", "check_k_sweep"]

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


def _assign_one_based(x, centroids):
    return _assign(x, centroids) + 1


def _assign_distances(x, centroids):
    return _squared(x, centroids).min(axis=1)


def _assign_by_dot(x, centroids):
    return (x @ centroids.T).argmax(axis=1)


def check_assign(assign):
    """Check ``assign(x, centroids) -> int ndarray (N,)``."""
    x, c = _points()
    cases = [Case("12 points, 4 centres in 3-D", (x, c)),
             Case("one point", (x[:1], c)),
             Case("two centres", (x, c[:2]))]
    mistakes = [
        Mistake(_assign_farthest, "each point goes to its farthest centre: k-means assigns the nearest.",
                "Choose the smallest distance."),
        Mistake(_assign_manhattan, "these are absolute differences (L1): k-means uses squared Euclidean "
                "distances.", "Square the differences before adding them up."),
        Mistake(_assign_one_based, "the cluster numbers start at 1: they index the rows of centroids, "
                "which start at 0.", "Cluster k is row k of centroids."),
        Mistake(_assign_distances, "these are the distances themselves: return which centre is nearest, "
                "an index for each point.", "The result holds integers between 0 and K - 1."),
        Mistake(_assign_by_dot, "the largest dot product is not the nearest centre: centres of different "
                "lengths differ in more than direction.", "Compare distances, not similarities."),
    ]
    return check_function("assign", assign, _assign, cases, mistakes=mistakes,
                          hint="the assignment step of k-means: each point goes to the centre nearest to it "
                               "in squared Euclidean distance; the result is an int array of cluster numbers.",
                          more="Broadcasting points (N, 1, D) against centres (1, K, D) gives all N x K "
                               "differences at once.")


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


def _update_median(x, labels, centroids):
    new = centroids.copy()
    for k in range(len(centroids)):
        if np.any(labels == k):
            new[k] = np.median(x[labels == k], axis=0)
    return new


def _update_mean_of_all(x, labels, centroids):
    return np.tile(x.mean(axis=0), (len(centroids), 1))


def _update_first_point(x, labels, centroids):
    new = centroids.copy()
    for k in range(len(centroids)):
        if np.any(labels == k):
            new[k] = x[labels == k][0]
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
                "where it was.", "Start from the old centres and change only the clusters that have points."),
        Mistake(_update_sum, "the centres are sums: the centre of a cluster is the mean of its points.",
                "Divide by the number of points in the cluster."),
        Mistake(_update_median, "that is the median of each cluster: k-means moves each centre to the mean, "
                "the point that minimises the squared distances.", "Average, do not take the middle value."),
        Mistake(_update_first_point, "each centre jumped to one point of its cluster: it moves to the mean of "
                "all of them.", "Use every point whose label is k."),
        Mistake(_update_mean_of_all, "every centre moved to the mean of all the points: each centre takes "
                "the mean of its own cluster only.", "Select the points whose label is k."),
    ]
    return check_function("update", update, _update, cases, mistakes=mistakes,
                          hint="the update step of k-means: each centre moves to the mean of the points "
                               "assigned to it; a cluster with no point keeps its centre.",
                          more="The mean of no points is NaN: test whether a cluster has points first. "
                               "Return a new array; leave centroids unchanged.", may_change=())


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


def _pp_uniform(x, centres):
    return np.full(len(x), 1.0 / len(x))


def _pp_first_centre_only(x, centres):
    d = _squared(x, centres[:1])[:, 0]
    return d / d.sum()


def check_plus_plus_probabilities(plus_plus_probabilities):
    """Check ``plus_plus_probabilities(x, centres) -> ndarray (N,)``."""
    x, _ = _points()
    cases = [Case("12 points, 2 centres chosen", (x, x[[0, 5]])),
             Case("one centre chosen", (x, x[[3]])),
             Case("three centres chosen", (x, x[[1, 2, 9]]))]
    mistakes = [
        Mistake(_pp_not_squared, "these are proportional to the distance: k-means++ weighs each point by "
                "the square of it.", "Square before normalising."),
        Mistake(_pp_farthest_centre, "this uses each point's farthest centre: what matters is how far a point "
                "is from the centres chosen so far, that is from its nearest one.", "Take the smallest distance."),
        Mistake(_pp_unnormalised, "these do not sum to 1: probabilities must.", "Divide by their total."),
        Mistake(_pp_uniform, "every point is equally likely: k-means++ favours points far from the chosen "
                "centres.", "The weight of a point depends on its distance to the centres."),
        Mistake(_pp_first_centre_only, "only the first chosen centre counts: every centre chosen so far "
                "makes the points near it less likely.", "Use all the rows of centres."),
    ]
    return check_function("plus_plus_probabilities", plus_plus_probabilities, _plus_plus_probabilities,
                          cases, mistakes=mistakes,
                          hint="the k-means++ start: the next centre is drawn with probability proportional "
                               "to the squared distance of each point to its nearest chosen centre.",
                          more="A point already chosen has probability 0; the probabilities sum to 1.")


# ---- k_sweep (an experiment): how many clusters?
KS = (2, 5, 10, 20)


def _k_sweep(ks, seed=0):
    from .. import clustering, data

    images, labels = data.load_digits()
    x = images.reshape(len(images), -1)
    rng = np.random.default_rng(seed)
    inertias, nmis = [], []
    for k in ks:
        centroids = x[rng.choice(len(x), k, replace=False)]
        found = _assign(x, centroids)
        for _ in range(100):
            centroids = _update(x, found, centroids)
            new = _assign(x, centroids)
            if np.array_equal(new, found):
                break
            found = new
        inertias.append(float(((x - centroids[found]) ** 2).sum(axis=1).mean()))
        nmis.append(float(clustering.cluster_scores(labels, found).nmi))
    return inertias, nmis


def _k_tests(result, ks):
    def parts():
        inertias, nmis = (np.asarray(p, dtype=float) for p in result)
        return inertias, nmis

    return [
        ("two lists (inertias, NMIs), one number per k, NMIs between 0 and 1",
         lambda: parts()[0].shape == parts()[1].shape == (len(ks),) and np.all((parts()[1] >= 0) & (parts()[1] <= 1)),
         "return (inertias, nmis): the mean squared distance of each point to its centre, and the NMI against "
         "the digit labels, for each k."),
        ("the inertia falls as k grows", lambda: np.all(np.diff(parts()[0]) < 0),
         "more centres can only bring points closer to theirs: check that each k runs to convergence."),
        ("the inertia is a mean squared distance per image (between 1 and 10 here)",
         lambda: np.all((parts()[0] > 1) & (parts()[0] < 10)),
         "average over the images the squared distance to the assigned centre (pixels are between 0 and 1)."),
        ("the NMI at k = 10 is between 0.6 and 0.85", lambda: 0.6 <= parts()[1][2] <= 0.85,
         "score the clusters against the digit labels with sc.clustering.cluster_scores(labels, found).nmi."),
        ("the NMI at k = 2 is well below that at k = 10", lambda: parts()[1][0] < parts()[1][2] - 0.2,
         "two clusters cannot separate ten digits: recheck the first k."),
    ]


def check_k_sweep(k_sweep):
    """Run ``k_sweep(ks) -> (inertias, nmis)`` and check that the numbers are plausible."""
    return run_experiment("k_sweep", k_sweep, _k_sweep, (KS,), lambda r: _k_tests(r, KS))
