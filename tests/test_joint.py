"""InfoNCE by hand (numpy, gradient-checked in float64), its torch twin, the collapse measures and
the joint-embedding model (sc.joint)."""
import numpy as np
import pytest
import torch

import sslcourse as sc
from sslcourse import joint
from sslcourse.nn_numpy.gradcheck import numerical_gradient, relative_error

THRESHOLD = 1e-7  # float64 centred differences (h = 1e-6) agree with the hand gradient to below this


def _views(n=4, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal((n, d))


@pytest.mark.parametrize("temperature", [0.1, 0.5, 2.0])
def test_info_nce_backward_matches_numerical_gradient(temperature):
    z1, z2 = _views()
    loss, dz1, dz2 = joint.info_nce(z1, z2, temperature=temperature)
    f = lambda _: joint.info_nce_forward(z1, z2, temperature=temperature)[0]  # noqa: E731
    assert relative_error(dz1, numerical_gradient(f, z1)) < THRESHOLD
    assert relative_error(dz2, numerical_gradient(f, z2)) < THRESHOLD


def test_info_nce_backward_scales_with_dloss():
    z1, z2 = _views(seed=1)
    _, cache = joint.info_nce_forward(z1, z2)
    a1, a2 = joint.info_nce_backward(1.0, cache)
    b1, b2 = joint.info_nce_backward(3.0, cache)
    assert np.allclose(b1, 3 * a1) and np.allclose(b2, 3 * a2)


def test_info_nce_by_brute_force_for_two_pairs():
    """2 pairs, 4 views: every view's cross-entropy over its 3 others, written out."""
    z1, z2 = _views(n=2, d=2, seed=2)
    u = np.concatenate([z1, z2])
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    partner = [2, 3, 0, 1]
    losses = []
    for i in range(4):
        others = [j for j in range(4) if j != i]
        s = np.array([u[i] @ u[j] / 0.5 for j in others])
        losses.append(-(u[i] @ u[partner[i]] / 0.5) + np.log(np.exp(s).sum()))
    assert joint.info_nce_forward(z1, z2, temperature=0.5)[0] == pytest.approx(np.mean(losses), rel=1e-12)


def test_info_nce_is_low_when_views_agree_and_others_differ():
    z = np.eye(4)
    low, _ = joint.info_nce_forward(z, z + 1e-3, temperature=0.1)
    high, _ = joint.info_nce_forward(z, np.roll(z, 1, axis=0), temperature=0.1)
    assert low < 0.01 < high
    same, _ = joint.info_nce_forward(np.ones((4, 2)), np.ones((4, 2)), temperature=0.5)
    assert same == pytest.approx(np.log(7))  # collapse: the partner is one of 7 equal choices


def test_info_nce_torch_matches_numpy_and_autograd_gives_our_gradient():
    z1, z2 = _views(n=6, d=5, seed=3)
    t1, t2 = (torch.tensor(z, requires_grad=True) for z in (z1, z2))
    loss = joint.info_nce_torch(t1, t2, temperature=0.3)
    loss.backward()
    ref, dz1, dz2 = joint.info_nce(z1, z2, temperature=0.3)
    assert loss.item() == pytest.approx(ref, rel=1e-12)
    assert np.allclose(t1.grad.numpy(), dz1, atol=1e-12) and np.allclose(t2.grad.numpy(), dz2, atol=1e-12)


def test_info_nce_leaves_its_inputs_unchanged():
    z1, z2 = _views()
    c1, c2 = z1.copy(), z2.copy()
    joint.info_nce(z1, z2)
    assert np.array_equal(z1, c1) and np.array_equal(z2, c2)


def test_info_nce_errors_name_the_argument():
    z1, z2 = _views()
    with pytest.raises(ValueError, match="temperature must be a positive number"):
        joint.info_nce_forward(z1, z2, temperature=0)
    with pytest.raises(ValueError, match=r"z1 and z2 must have the same shape \(N, D\)"):
        joint.info_nce_forward(z1, z2[:3])
    with pytest.raises(ValueError, match="no all-zero row"):
        joint.info_nce_forward(np.zeros((2, 3)), np.ones((2, 3)))
    with pytest.raises(TypeError, match="z1 must have a float dtype"):
        joint.info_nce_forward(np.ones((2, 3), dtype=int), np.ones((2, 3)))
    with pytest.raises(ValueError, match="z1 and z2 must be float Tensors"):
        joint.info_nce_torch(z1, z2)


def test_collapse_measures():
    rng = np.random.default_rng(0)
    spread_out = rng.standard_normal((500, 8))
    one_point = np.tile(rng.standard_normal(8), (500, 1))
    assert joint.embedding_spread(spread_out) > 0.95
    assert joint.embedding_spread(one_point) == pytest.approx(0.0, abs=1e-6)
    assert joint.effective_rank(spread_out) > 7.5
    assert joint.effective_rank(one_point) == 0.0
    line = np.outer(rng.standard_normal(500), rng.standard_normal(8))  # every row on one line
    assert joint.effective_rank(line) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="at least 2 rows"):
        joint.effective_rank(np.ones((1, 3)))
    with pytest.raises(ValueError, match="no all-zero row"):
        joint.embedding_spread(np.zeros((3, 2)))


def test_model_shapes_and_errors():
    model = joint.JointEmbeddingModel((10, 10), hidden=16, code=8, projection=4,
                                      generator=torch.Generator().manual_seed(0))
    x = torch.zeros(3, 10, 10)
    assert model.features(x).shape == (3, 8) and model(x).shape == (3, 4) and model.n_features == 8
    with pytest.raises(ValueError, match=r"images must be a float Tensor of shape \(N, 10, 10\)"):
        model.features(torch.zeros(3, 8, 8))
    with pytest.raises(TypeError, match="generator must be a torch.Generator"):
        joint.JointEmbeddingModel(generator=0)
    with pytest.raises(ValueError, match=r"images must have shape \(N, 10, 10\) for this model"):
        joint.pretrain_joint(model, np.zeros((4, 8, 8)), steps=1, rng=np.random.default_rng(0))


def _pretrained(negatives, steps=60, seed=0):
    images, _ = sc.data.load_moving_digits()
    model = joint.JointEmbeddingModel(hidden=64, code=16, projection=16, generator=torch.Generator().manual_seed(seed))
    losses = joint.pretrain_joint(model, images[:400], steps=steps, batch_size=64, lr=3e-3, negatives=negatives,
                                  rng=np.random.default_rng(seed))
    return model, losses, images[:400]


def test_pretraining_is_deterministic_and_lowers_the_loss():
    a, losses_a, _ = _pretrained(True)
    b, losses_b, _ = _pretrained(True)
    assert np.array_equal(losses_a, losses_b)
    assert losses_a[-10:].mean() < losses_a[:5].mean() - 0.3


def test_without_negatives_the_embeddings_collapse():
    with_neg, _, images = _pretrained(True, steps=100)
    without, losses, _ = _pretrained(False, steps=100)
    spread = lambda m: joint.embedding_spread(sc.evaluation.extract_features(m, images))  # noqa: E731
    assert losses[-1] < 0.01  # the views agree perfectly ...
    assert spread(without) < 0.1 < 0.3 < spread(with_neg)  # ... because every image is one point


def test_train_augmented_and_nearest_neighbour_probe():
    images, labels = sc.data.load_moving_digits()
    model = joint.JointEmbeddingModel(hidden=32, code=8, generator=torch.Generator().manual_seed(0))
    clf = sc.evaluation.Classifier(model, 10, generator=torch.Generator().manual_seed(0))
    joint.train_augmented(clf, images[:100], labels[:100], steps=80, rng=np.random.default_rng(0))
    assert sc.evaluation.accuracy(clf, images[:100], labels[:100]) > 0.5
    x = images.reshape(len(images), -1)
    assert joint.nearest_neighbour_probe(x[:50], labels[:50], x[:50], labels[:50]) == 1.0
    with pytest.raises(ValueError, match="features and labels must match"):
        joint.nearest_neighbour_probe(x[:50], labels[:40], x[:50], labels[:50])


def test_alignment_loss_is_zero_for_equal_directions_and_checks_shapes():
    z = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
    assert joint.alignment_loss(z, 2 * z).item() == pytest.approx(0.0, abs=1e-12)
    assert joint.alignment_loss(z, -z).item() == pytest.approx(4.0)
    with pytest.raises(ValueError, match="z1 and z2 must be float Tensors of the same shape"):
        joint.alignment_loss(z, z[:2])
