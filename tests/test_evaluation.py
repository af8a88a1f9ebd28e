"""sslcourse.evaluation (and the word-vector helpers of sslcourse.pretrain): tiny data, fast."""
import numpy as np
import pytest
import torch

import sslcourse as sc
from sslcourse import evaluation as ev
from sslcourse import pretrain


def toy(seed=0, per_class=(6, 5, 4)):
    """Three well-separated classes in 2-D, of the given sizes."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(per_class)), per_class)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])[: len(per_class)]
    return centres[labels] + rng.normal(scale=0.5, size=(len(labels), 2)), labels


class Tiny(torch.nn.Module):
    """A backbone with .features and .n_features, as sc.images.MaskedImageModel has."""

    n_features = 3

    def __init__(self, generator):
        super().__init__()
        self.lin = torch.nn.Linear(2, 3)
        with torch.no_grad():
            self.lin.weight.copy_(torch.randn(3, 2, generator=generator))

    def features(self, x):
        return torch.tanh(self.lin(x))


def test_sample_per_class_draws_k_of_each_class_from_the_pool():
    _, labels = toy()
    idx = ev.sample_per_class(labels, 2, rng=np.random.default_rng(0))
    assert idx.shape == (6,) and labels[idx].tolist() == [0, 0, 1, 1, 2, 2]
    assert len(set(idx.tolist())) == 6
    again = ev.sample_per_class(labels, 2, rng=np.random.default_rng(0))
    assert np.array_equal(idx, again)
    pool = np.array([0, 1, 2, 6, 7, 11, 12])
    assert set(ev.sample_per_class(labels, 2, rng=np.random.default_rng(1), pool=pool)) <= set(pool)


def test_k_larger_than_the_smallest_class():
    _, labels = toy()
    with pytest.raises(ValueError) as info:
        ev.sample_per_class(labels, 5, rng=np.random.default_rng(0))
    assert str(info.value) == ("k must be at most the size of the smallest class, 4 items (class 2), "
                               "got k=5. Pass a smaller k or a larger pool.")
    with pytest.raises(ValueError, match="k must be at least 1, got 0"):
        ev.sample_per_class(labels, 0, rng=np.random.default_rng(0))


def test_split_indices_is_stratified_and_disjoint():
    _, labels = toy(per_class=(10, 6, 4))
    train, test = ev.split_indices(labels, test_fraction=0.5, rng=np.random.default_rng(0))
    assert np.bincount(labels[test]).tolist() == [5, 3, 2]
    assert not set(train) & set(test) and len(train) + len(test) == len(labels)


def test_linear_probe_and_its_bad_input():
    x, labels = toy()
    assert ev.linear_probe(x[::2], labels[::2], x[1::2], labels[1::2]) == 1.0
    with pytest.raises(ValueError) as info:
        ev.linear_probe(x[:5], labels[:4], x, labels)
    assert str(info.value) == ("train_features and train_labels must have the same length (one label per "
                               "row), got 5 rows and 4 labels. Index both with the same indices.")
    with pytest.raises(ValueError, match="test_features must have the 2 columns of train_features, got 3"):
        ev.linear_probe(x, labels, np.zeros((2, 3)), labels[:2])
    with pytest.raises(ValueError, match="train_features must have 2 axes, got shape"):
        ev.linear_probe(x.ravel(), labels, x, labels)
    with pytest.raises(ValueError, match="train_labels must hold at least 2 classes, got 1"):
        ev.linear_probe(x[:3], labels[:3], x, labels)


def test_label_efficiency_gives_every_method_the_same_draws():
    _, labels = toy()
    seen = {"a": [], "b": []}
    methods = {name: (lambda idx, name=name: seen[name].append(idx.tolist()) or len(seen[name]) / 10)
               for name in seen}
    result = ev.label_efficiency(methods, labels, ks=(1, 2), draws=3, rng=np.random.default_rng(0))
    assert seen["a"] == seen["b"] and len(seen["a"]) == 6
    again = ev.label_efficiency({"a": lambda idx: idx.sum() / 100}, labels, ks=(1, 2), draws=3,
                                rng=np.random.default_rng(0))
    assert again.get("a", 2).scores == tuple(np.sum(s) / 100 for s in seen["a"][3:])
    got = result.get("b", 2)
    assert got.scores == (0.4, 0.5, 0.6) and got.mean == pytest.approx(0.5)
    assert repr(got) == "DrawScores(method='b', k=2, mean=0.50, std=0.08, draws=3)"
    assert repr(result) == "LabelEfficiency(methods=['a', 'b'], ks=[1, 2], draws=3)"
    assert result.table().splitlines() == ["labels per class            1            2",
                                        "a                 0.20 ± 0.08  0.50 ± 0.08",
                                        "b                 0.20 ± 0.08  0.50 ± 0.08"]
    with pytest.raises(KeyError, match="no result for method='c'"):
        result.get("c", 1)


def test_label_efficiency_bad_input():
    _, labels = toy()
    with pytest.raises(TypeError, match="methods must be a non-empty dict name -> function"):
        ev.label_efficiency([len], labels, ks=(1,), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="draws must be at least 2, got 1"):
        ev.label_efficiency({"a": len}, labels, ks=(1,), draws=1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"k must be at most the size of the smallest class, 4 items"):
        ev.label_efficiency({"a": len}, labels, ks=(1, 10), rng=np.random.default_rng(0))


def test_fine_tune_trains_a_copy_and_scratch_training_learns():
    x, labels = toy()
    backbone = Tiny(torch.Generator().manual_seed(0))
    before = {k: v.clone() for k, v in backbone.state_dict().items()}
    model = ev.fine_tune(backbone, x, labels, n_classes=3, generator=torch.Generator().manual_seed(0),
                         steps=200, lr=3e-2)
    assert all(torch.equal(before[k], v) for k, v in backbone.state_dict().items())
    assert ev.accuracy(model, x, labels) == 1.0
    again = ev.fine_tune(backbone, x, labels, n_classes=3, generator=torch.Generator().manual_seed(0),
                         steps=200, lr=3e-2)
    assert torch.equal(model.head.weight, again.head.weight)
    features = ev.extract_features(model.backbone, x)
    assert features.shape == (len(x), 3) and features.dtype == np.float64
    with pytest.raises(ValueError, match="x and y must have the same length, got 15 and 14"):
        ev.train_classifier(model, x, labels[:-1])
    with pytest.raises(TypeError, match=r"model must be a torch nn.Module with .features, got Linear without .features"):
        ev.extract_features(torch.nn.Linear(2, 2), x)


def test_word_vectors_categories_and_one_hot():
    language = sc.data.ToyLanguage("small")
    ids, labels, names = pretrain.category_labels(language)
    assert names == sorted(set(language.categories.values())) and len(ids) == len(language.vocab) - 3
    assert [language.categories[language.vocab[i]] for i in ids[:3]] == [names[j] for j in labels[:3]]
    model = sc.nn_torch.ContextModel(len(language.vocab), language.max_length, dim=4, hidden=5,
                                     generator=torch.Generator().manual_seed(0))
    out = pretrain.word_vectors(model)
    W2 = model.W2.detach().numpy().reshape(5, language.max_length, -1)  # (H, L, V)
    assert out.shape == (len(language.vocab), language.max_length * 5)
    assert np.array_equal(out[7].reshape(language.max_length, 5), W2[:, :, 7].T)
    assert pretrain.word_vectors(model, "input").shape == (len(language.vocab), 4)
    with pytest.raises(ValueError, match="kind must be 'output' or 'input', got 'middle'"):
        pretrain.word_vectors(model, "middle")
    assert pretrain.one_hot(np.array([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]
    with pytest.raises(ValueError, match=r"ids must hold ids in \[0, 3\)"):
        pretrain.one_hot(np.array([3]), 3)
