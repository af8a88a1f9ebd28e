"""k-means from scratch in numpy, and scores of a clustering against true classes.

k-means finds structure with no target: it puts each point with its nearest centre, moves
each centre to the mean of its points, and repeats. Shape letters: N points, D features,
K clusters. The start is k-means++ (Arthur and Vassilvitskii, 2007), drawn from an explicit rng.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_array, check_finite, check_int, check_rng
from .threads import blas_threads

__all__ = ["ClusterScore", "KMeansResult", "assign", "cluster_scores", "inertia", "kmeans",
           "kmeans_plus_plus", "update"]


def _check_points(x, name="x"):
    x = check_array(x, name, dtype_kind="fiu")
    if x.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array (N points, D features), got shape {x.shape}. "
            f"Flatten each item first, for example {name}.reshape(len({name}), -1)."
        )
    return check_finite(x.astype(np.float64, copy=False), name)


def _check_k(k, n_points):
    k = check_int(k, "k")
    if k < 2:
        raise ValueError(f"k must be at least 2 clusters, got {k}: one cluster holds everything "
                         f"and finds no structure. Pass k=2 or more (the number of classes, say).")
    if k > n_points:
        raise ValueError(f"k must be at most the number of points, {n_points}, got {k}. "
                         f"Pass fewer clusters or more points.")
    return k


def _squared_distances(x, centroids):
    """(N, K) squared Euclidean distances, via |x|^2 - 2 x.c + |c|^2, clipped at 0."""
    d = (x**2).sum(1)[:, None] - 2 * x @ centroids.T + (centroids**2).sum(1)[None, :]  # (N, K)
    return np.maximum(d, 0.0)


def kmeans_plus_plus(x, k, *, rng):
    """Pick ``k`` starting centres among the points: the first uniformly, each next one with
    probability proportional to its squared distance to the nearest centre chosen so far.

    Parameters
    ----------
    x : ndarray (N, D)
    k : int, K >= 2
    rng : numpy.random.Generator

    Returns
    -------
    centroids : ndarray (K, D), rows of ``x``
    """
    x = _check_points(x)
    k = _check_k(k, len(x))
    check_rng(rng)
    chosen = [int(rng.integers(len(x)))]
    nearest = _squared_distances(x, x[chosen])[:, 0]  # (N,) to the closest chosen centre
    for _ in range(1, k):
        total = nearest.sum()
        p = nearest / total if total > 0 else np.full(len(x), 1 / len(x))
        chosen.append(int(rng.choice(len(x), p=p)))
        nearest = np.minimum(nearest, _squared_distances(x, x[chosen[-1:]])[:, 0])
    return x[chosen].copy()


def assign(x, centroids):
    """The assignment step: the index of each point's nearest centre.

    Parameters
    ----------
    x : ndarray (N, D)
    centroids : ndarray (K, D)

    Returns
    -------
    labels : int ndarray (N,), in [0, K); ties go to the lowest index
    """
    x, centroids = _check_points(x), _check_points(centroids, "centroids")
    if centroids.shape[1] != x.shape[1]:
        raise ValueError(f"centroids must have x's {x.shape[1]} features per row, got shape "
                         f"{centroids.shape}. Compute the centres from the same features as x.")
    return _squared_distances(x, centroids).argmin(axis=1)


def update(x, labels, centroids):
    """The update step: each centre moves to the mean of its points.

    A centre with no point stays where it was.

    Parameters
    ----------
    x : ndarray (N, D)
    labels : int ndarray (N,), in [0, K)
    centroids : ndarray (K, D), the current centres

    Returns
    -------
    new_centroids : ndarray (K, D)
    """
    x, centroids = _check_points(x), _check_points(centroids, "centroids")
    labels = _check_labels(labels, len(x), "labels")
    K = len(centroids)
    sums = np.zeros_like(centroids)
    np.add.at(sums, labels, x)  # (K, D): sum of the points of each cluster
    counts = np.bincount(labels, minlength=K)[:, None]  # (K, 1)
    return np.where(counts > 0, sums / np.maximum(counts, 1), centroids)


def inertia(x, labels, centroids):
    """Sum of squared distances from each point to its centre (what k-means lowers)."""
    x, centroids = _check_points(x), _check_points(centroids, "centroids")
    labels = _check_labels(labels, len(x), "labels")
    return float(((x - centroids[labels]) ** 2).sum())


@dataclass(frozen=True, repr=False)
class KMeansResult:
    """A k-means clustering.

    Attributes
    ----------
    labels : int ndarray (N,), the cluster of each point
    centroids : ndarray (K, D)
    inertia : float, sum of squared distances to the centres
    n_iter : int, assignment steps run
    converged : bool, True if the assignment stopped changing before ``max_iter``
    """

    labels: np.ndarray
    centroids: np.ndarray
    inertia: float
    n_iter: int
    converged: bool

    def __repr__(self):
        return (f"KMeansResult(K={len(self.centroids)}, N={len(self.labels)}, "
                f"inertia={self.inertia:.4g}, n_iter={self.n_iter}, converged={self.converged})")


def kmeans(x, k, *, rng, init=None, n_init=1, max_iter=100):
    """Lloyd's k-means: assign, update, until the assignment stops changing.

    Parameters
    ----------
    x : ndarray (N, D)
    k : int, K >= 2 clusters
    rng : numpy.random.Generator, draws the k-means++ starts
    init : ndarray (K, D) or None; starting centres (then ``n_init`` must be 1)
    n_init : int, runs from different k-means++ starts; the lowest inertia wins
    max_iter : int

    Returns
    -------
    KMeansResult
    """
    x = _check_points(x)
    k = _check_k(k, len(x))
    check_rng(rng)
    n_init = check_int(n_init, "n_init", minimum=1)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    if init is not None:
        init = _check_points(init, "init")
        if init.shape != (k, x.shape[1]) or n_init != 1:
            raise ValueError(f"init must have shape (k, D) = {(k, x.shape[1])} with n_init=1, got shape "
                             f"{init.shape} and n_init={n_init}. Pass k centres with x's features.")
    with blas_threads(1):  # faster on matrices this small
        runs = [_lloyd(x, init if init is not None else kmeans_plus_plus(x, k, rng=rng), max_iter)
                for _ in range(n_init)]
    return min(runs, key=lambda run: run.inertia)


def _lloyd(x, centroids, max_iter):
    labels = assign(x, centroids)
    for n_iter in range(1, max_iter + 1):
        centroids = update(x, labels, centroids)
        new = assign(x, centroids)
        if np.array_equal(new, labels):
            return KMeansResult(labels, centroids, inertia(x, labels, centroids), n_iter, True)
        labels = new
    return KMeansResult(labels, centroids, inertia(x, labels, centroids), max_iter, False)


def _check_labels(labels, n, name):
    labels = check_array(labels, name, ndim=1, dtype_kind="iu")
    if len(labels) != n:
        raise ValueError(f"{name} must have one entry per point ({n}), got {len(labels)}. "
                         f"Pass labels of the same points, in the same order.")
    return labels


@dataclass(frozen=True)
class ClusterScore:
    """How well clusters match true classes: 1 is a perfect match, 0 is chance.

    Attributes
    ----------
    nmi : float, normalized mutual information
    ari : float, adjusted Rand index
    """

    nmi: float
    ari: float

    def __repr__(self):
        return f"ClusterScore(nmi={self.nmi:.2f}, ari={self.ari:.2f})"


def cluster_scores(true_labels, cluster_labels):
    """NMI and ARI (from scikit-learn) of a clustering against the true classes.

    Parameters
    ----------
    true_labels : int ndarray (N,)
    cluster_labels : int ndarray (N,)

    Returns
    -------
    ClusterScore
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    true_labels = check_array(true_labels, "true_labels", ndim=1, dtype_kind="iu")
    cluster_labels = _check_labels(cluster_labels, len(true_labels), "cluster_labels")
    return ClusterScore(float(normalized_mutual_info_score(true_labels, cluster_labels)),
                        float(adjusted_rand_score(true_labels, cluster_labels)))
