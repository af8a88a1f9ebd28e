"""How good is a representation with few labels? Linear probes (``linear_probe``), fine-tuning
(``fine_tune``) or training from scratch (``Classifier``, ``train_classifier``), scored on labelled
subsets of k examples per class (``sample_per_class``), drawn several times for each k
(``label_efficiency``, results as frozen ``DrawScores``: mean and spread; these live in ``sc.subsets``).
Shape letters: N items, D features, K classes.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from ._validation import check_array, check_int, check_number
from .nn_torch.checks import as_float_tensor, check_generator, check_module
from .nn_torch.inference import evaluating, predict
from .nn_torch.step import optimizer_step
from .subsets import (DrawScores, LabelEfficiency, _check_labels, label_efficiency,  # noqa: F401
                      plot_label_efficiency, sample_per_class, split_indices)
from .threads import cpu_threads

__all__ = ["Classifier", "DrawScores", "LabelEfficiency", "accuracy", "extract_features",
           "fine_tune", "label_efficiency", "linear_probe", "plot_label_efficiency",
           "sample_per_class", "split_indices", "train_classifier"]


def _check_pair(features, labels, fname, lname):
    features = check_array(features, fname, ndim=2, dtype_kind="fiub", finite=True)
    labels = _check_labels(labels, lname)
    if len(features) != len(labels):
        raise ValueError(f"{fname} and {lname} must have the same length (one label per row), got "
                         f"{len(features)} rows and {len(labels)} labels. Index both with the same indices.")
    return features, labels


def _fit_probe(x, y, C):
    from sklearn.linear_model import LogisticRegression

    with cpu_threads(1):  # one thread: several times faster on problems this small
        return LogisticRegression(C=C, max_iter=1000).fit(x, y)


def linear_probe(train_features, train_labels, test_features, test_labels, *, C=1.0):
    """Fit a logistic regression on frozen features; return its test accuracy.

    Parameters
    ----------
    train_features : ndarray (N, D); train_labels : int ndarray (N,)
    test_features : ndarray (M, D); test_labels : int ndarray (M,)
    C : float, inverse strength of the L2 penalty (scikit-learn's)

    Returns
    -------
    float, the fraction of test items classified right
    """
    C = check_number(C, "C", positive=True, fix="C is scikit-learn's inverse penalty: try C=1.0.")
    x, y = _check_pair(train_features, train_labels, "train_features", "train_labels")
    xt, yt = _check_pair(test_features, test_labels, "test_features", "test_labels")
    if xt.shape[1] != x.shape[1]:
        raise ValueError(f"test_features must have the {x.shape[1]} columns of train_features, got "
                         f"{xt.shape[1]}. Extract both with the same model.")
    if len(np.unique(y)) < 2:
        raise ValueError("train_labels must hold at least 2 classes, got 1. Draw the subset with "
                         "sample_per_class so every class is there.")
    with cpu_threads(1):
        return float((_fit_probe(x, y, C).predict(xt) == yt).mean())


def extract_features(model, x, *, batch_size=1024):
    """Run ``model.features`` on ``x`` without gradients; return a numpy array (N, D)."""
    check_module(model, attrs=("features",), make="Pass a model of sc.images, or wrap yours.")
    x = _inputs(x)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    with cpu_threads(1):
        return predict(model, len(x), batch_size, lambda rows: model.features(x[rows])).numpy().astype(np.float64)


def _inputs(x, name="x"):
    x = as_float_tensor(x, name)
    if x.dim() < 2 or not len(x):
        raise ValueError(f"{name} must be a non-empty batch (N, ...), got shape {tuple(x.shape)}. "
                         f"For one item use {name}[None].")
    return x


class Classifier(nn.Module):
    """A linear head on a backbone's ``features``: x -> logits (N, K).

    Parameters
    ----------
    backbone : nn.Module with ``features(x) -> (N, D)`` and an int attribute ``n_features`` (D)
    n_classes : int, K
    generator : torch.Generator, draws the head's initial weights
    """

    def __init__(self, backbone, n_classes, *, generator):
        super().__init__()
        check_module(backbone, "backbone", attrs=("features", "n_features"),
                     make="Pass a model of sc.images (MaskedImageModel), or give yours .features and .n_features.")
        check_generator(generator)
        self.backbone = backbone
        D, K = check_int(backbone.n_features, "backbone.n_features", minimum=1), check_int(n_classes, "n_classes", minimum=2)
        self.head = nn.Linear(D, K, device="meta")  # no draw from torch's global RNG: the weights come next
        self.head.weight = nn.Parameter(torch.randn(K, D, generator=generator) * D**-0.5)
        self.head.bias = nn.Parameter(torch.zeros(K))

    def forward(self, x):
        return self.head(self.backbone.features(x))  # (N, D) -> (N, K)


def _check_xy(x, y):
    x, y = _inputs(x), _check_labels(y, "y")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}. "
                         f"Index both with the same indices.")
    return x, y


def _check_classifier(model):
    return check_module(model, make="Pass an nn.Module x -> logits (N, K), for example sc.evaluation.Classifier.")


def train_classifier(model, x, y, *, steps=100, lr=1e-3):
    """Train every weight of ``model`` (x -> logits) on (x, y): AdamW, full batch, cross-entropy.

    Parameters
    ----------
    model : nn.Module
    x : ndarray (N, ...) inputs; y : int ndarray (N,)
    steps, lr : the optimiser's settings

    Returns
    -------
    model, trained in place
    """
    _check_classifier(model)
    xt, y = _check_xy(x, y)
    steps, lr = check_int(steps, "steps", minimum=1), check_number(lr, "lr", positive=True)
    yt = torch.as_tensor(y)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    model.train()
    with cpu_threads(1):  # one thread: faster for these small models, the same numbers everywhere
        for _ in range(steps):
            optimizer_step(optimizer, nn.functional.cross_entropy(model(xt), yt))
    return model


def fine_tune(pretrained, x, y, *, n_classes, generator, steps=50, lr=2e-4):
    """A ``Classifier``: a copy of ``pretrained`` with a linear head, trained on (x, y) in two
    stages: a linear probe on the frozen features gives the head, then every weight trains with a
    small learning rate. Starting from the probe keeps a random head from wrecking the pretrained
    features (linear probing then fine-tuning, Kumar et al., 2022). ``pretrained`` is unchanged.
    """
    check_module(pretrained, "pretrained", attrs=("features", "n_features"),
                 make="Pass a pretrained model of sc.images (MaskedImageModel).")
    _check_xy(x, y)
    y = _check_labels(y, "y")
    model = Classifier(copy.deepcopy(pretrained), n_classes, generator=generator)
    probe = _fit_probe(extract_features(model.backbone, x), y, 1.0)
    coef, bias = probe.coef_, probe.intercept_  # (K, D), (K,); one row for two classes
    if len(probe.classes_) == 2:
        coef, bias = np.vstack([-coef, coef]) / 2, np.array([-bias[0], bias[0]]) / 2
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.fill_(-1e4)  # classes absent from y are never predicted
        model.head.weight[probe.classes_] = torch.as_tensor(coef, dtype=torch.float32)
        model.head.bias[probe.classes_] = torch.as_tensor(bias, dtype=torch.float32)
    return train_classifier(model, x, y, steps=steps, lr=lr)


def accuracy(model, x, y):
    """Fraction of (x, y) that ``model`` (x -> logits) classifies right (its mode is left as it was)."""
    _check_classifier(model)
    xt, y = _check_xy(x, y)
    with evaluating(model), cpu_threads(1):
        pred = model(xt).argmax(dim=1).numpy()
    return float((pred == y).mean())
