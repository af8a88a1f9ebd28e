"""sslcourse.clustering: k-means against scikit-learn, k-means++ properties, scores, bad input."""
import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from sslcourse import clustering as cl


def blobs(seed=0, n=60, k=3, d=4):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=5, size=(k, d))
    labels = np.repeat(np.arange(k), n // k)
    return centres[labels] + rng.normal(size=(len(labels), d)), labels


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kmeans_matches_scikit_learn_from_the_same_start(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(120, 5))  # no clear clusters: many Lloyd steps
    init = cl.kmeans_plus_plus(x, 6, rng=rng)
    ours = cl.kmeans(x, 6, rng=rng, init=init)
    ref = KMeans(6, init=init, n_init=1, algorithm="lloyd", tol=0, max_iter=100).fit(x)
    assert ours.converged
    assert np.array_equal(ours.labels, ref.labels_)
    assert ours.inertia == pytest.approx(ref.inertia_, rel=1e-9)
    np.testing.assert_allclose(ours.centroids, ref.cluster_centers_, atol=1e-10)


def test_kmeans_finds_separated_blobs_and_scores_them():
    x, labels = blobs()
    result = cl.kmeans(x, 3, rng=np.random.default_rng(0), n_init=3)
    score = cl.cluster_scores(labels, result.labels)
    assert score.nmi == pytest.approx(1.0) and score.ari == pytest.approx(1.0)
    assert repr(score) == "ClusterScore(nmi=1.00, ari=1.00)"
    assert "0x" not in repr(result) and repr(result).startswith("KMeansResult(K=3, N=60,")


def test_cluster_scores_are_scikit_learns():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, 50), rng.integers(0, 5, 50)
    score = cl.cluster_scores(a, b)
    assert score.nmi == normalized_mutual_info_score(a, b)
    assert score.ari == adjusted_rand_score(a, b)


def test_kmeans_plus_plus_picks_distinct_points_reproducibly():
    x, _ = blobs()
    first = cl.kmeans_plus_plus(x, 3, rng=np.random.default_rng(5))
    again = cl.kmeans_plus_plus(x, 3, rng=np.random.default_rng(5))
    assert np.array_equal(first, again)
    rows = [np.flatnonzero((x == c).all(axis=1)) for c in first]
    assert all(len(r) == 1 for r in rows) and len({int(r[0]) for r in rows}) == 3
    assert len(set(cl.assign(x, first).tolist())) == 3  # far-apart blobs: one start in each


def test_update_keeps_an_empty_cluster_in_place_and_assign_breaks_ties_low():
    x = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 0.0]])
    centroids = np.array([[1.0, 0.0], [10.0, 0.0], [50.0, 50.0]])
    new = cl.update(x, np.array([0, 0, 1]), centroids)
    np.testing.assert_array_equal(new, [[1.0, 0.0], [10.0, 0.0], [50.0, 50.0]])
    assert cl.assign(np.array([[5.0, 0.0]]), np.array([[0.0, 0.0], [10.0, 0.0]])).tolist() == [0]


@pytest.mark.parametrize("k, error, words", [
    (1, ValueError, ["k must be at least 2", "got 1", "k=2 or more"]),
    (0, ValueError, ["k must be at least 2", "got 0"]),
    (61, ValueError, ["k must be at most the number of points, 60", "got 61", "fewer clusters"]),
    (2.5, TypeError, ["k must be a whole number", "2.5"]),
])
def test_bad_k(k, error, words):
    x, _ = blobs()
    with pytest.raises(error) as info:
        cl.kmeans(x, k, rng=np.random.default_rng(0))
    for word in words:
        assert word in str(info.value)


def test_bad_points_labels_and_rng():
    x, labels = blobs()
    with pytest.raises(ValueError, match=r"x must be a 2-D array \(N points, D features\), got shape "
                                         r"\(60, 2, 2\)\. Flatten each item first"):
        cl.kmeans(x.reshape(60, 2, 2), 3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"cluster_labels must have one entry per point \(60\), got 59"):
        cl.cluster_scores(labels, labels[:-1])
    with pytest.raises(ValueError, match=r"centroids must have x's 4 features per row, got shape \(3, 2\)"):
        cl.assign(x, np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"init must have shape \(k, D\) = \(3, 4\)"):
        cl.kmeans(x, 3, rng=np.random.default_rng(0), init=np.zeros((2, 4)))
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        cl.kmeans(x, 3, rng=0)
