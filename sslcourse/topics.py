"""Pretraining is not the product: from a masked model to a topic classifier (notebook 08).

Every sentence of the toy language has a topic (farm, town or home) that its words only hint
at. A masked model outputs word probabilities, not topics; here we read a topic off it with a
hand-made trick, with a linear probe on its hidden layer, and by fine-tuning it on a few labels,
and compare each with the exact Bayes limit of the topic task.
Shape letters: N sentences, L positions, D width, F hidden units, V vocabulary, K topics.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from ._validation import check_array, check_bool, check_int, check_language, check_number
from .data.exact import topic_limit, topic_posteriors
from .data.lexicon import ANIMALS, PEOPLE, PLACES, TOPIC_NOUNS
from .nn_torch.checks import check_generator, check_model_ids, check_masked_model, check_module
from .nn_torch.inference import evaluating
from .nn_torch.step import optimizer_step
from .nn_torch.models import ContextModel
from .train import predict_proba

__all__ = ["TopicClassifier", "hidden_features", "predict_topics", "train_topic_classifier",
           "topic_limit", "topic_posteriors", "topic_words", "zero_shot_topics"]


def hidden_features(model, ids):
    """A ``ContextModel``'s hidden layer, ``relu(flatten(E[ids] + P) W1 + b1)``: int (N, L) -> (N, F)."""
    if not isinstance(model, ContextModel):
        raise TypeError(f"model must be a sc.nn_torch.ContextModel, got {type(model).__name__}. "
                        f"Make one with sc.nn_torch.ContextModel(V, L, generator=torch.Generator().manual_seed(0)).")
    if not isinstance(ids, torch.Tensor):
        ids = check_array(ids, "ids", ndim=2, dtype_kind="iu")
    ids = torch.as_tensor(ids, device=model.E.device)
    if ids.is_floating_point() or ids.dtype == torch.bool:
        raise TypeError(f"ids must have an int dtype, got {ids.dtype}. Convert it with ids.long().")
    ids = ids.long()
    check_model_ids(ids, vocab_size=model.vocab_size, length=model.length, device=model.E.device)
    N = ids.shape[0]
    if ids.shape[1] != model.length:
        raise ValueError(f"ids must have exactly {model.length} positions for this ContextModel, got shape "
                         f"{tuple(ids.shape)}. Pad them with language.encode(sentences, length={model.length}).")
    x = model.E[ids] + model.P  # (N, L) -> (N, L, D)
    return torch.relu(x.reshape(N, -1) @ model.W1 + model.b1)  # (N, L*D) x (L*D, F) -> (N, F)


class TopicClassifier(nn.Module):
    """A copy of a ``ContextModel``'s body (up to its hidden layer) with a new linear head over K topics.

    Parameters
    ----------
    body : sc.nn_torch.ContextModel, pretrained or fresh (copied, never changed)
    n_topics : int, K
    generator : torch.Generator (CPU), draws the head's initial weights
    """

    def __init__(self, body, n_topics, *, generator):
        super().__init__()
        if not isinstance(body, ContextModel):
            raise TypeError(f"body must be a sc.nn_torch.ContextModel, got {type(body).__name__}. Pass the "
                            f"pretrained ContextModel (sc.pretrain.pretrain_words) or a fresh one.")
        check_generator(generator)
        self.body = copy.deepcopy(body)
        F, K = body.hidden, check_int(n_topics, "n_topics", minimum=2)
        self.W = nn.Parameter(torch.randn(F, K, generator=generator, dtype=body.E.dtype) * F**-0.5)
        self.b = nn.Parameter(torch.zeros(K, dtype=body.E.dtype))

    def forward(self, ids):
        """ids (N, L) -> topic logits (N, K)."""
        return hidden_features(self.body, ids) @ self.W + self.b  # (N, F) x (F, K) -> (N, K)


def train_topic_classifier(body, ids, labels, *, n_topics, generator, steps=100, lr=3e-3, freeze=False):
    """Train a ``TopicClassifier`` on a few labelled sentences (full batch, Adam).

    Parameters
    ----------
    body : sc.nn_torch.ContextModel, copied (the original is left as it is)
    ids : int ndarray (N, L), the labelled sentences
    labels : int ndarray (N,), their topics in [0, K)
    n_topics : int, K
    generator : torch.Generator (CPU)
    steps : int, full-batch updates
    lr : float
    freeze : bool, True trains the head only (a linear probe), False every weight (fine-tuning)

    Returns
    -------
    TopicClassifier, in eval mode
    """
    ids = check_array(ids, "ids", ndim=2, dtype_kind="iu")
    labels = check_array(labels, "labels", ndim=1, dtype_kind="iu")
    if len(labels) != len(ids):
        raise ValueError(f"labels must have one topic per sentence of ids ({len(ids)}), got {len(labels)}.")
    steps, lr = check_int(steps, "steps", minimum=1), check_number(lr, "lr", positive=True)
    freeze = check_bool(freeze, "freeze")
    model = TopicClassifier(body, n_topics, generator=generator)
    if len(labels) and (labels.min() < 0 or labels.max() >= model.W.shape[1]):
        raise ValueError(f"labels must hold topics in [0, n_topics = {model.W.shape[1]}), got "
                         f"{labels[(labels < 0) | (labels >= model.W.shape[1])][0]}. Number the topics "
                         f"0..K-1, as language.topics.index(topic).")
    model.body.requires_grad_(not freeze)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    x, y = torch.from_numpy(ids).long(), torch.from_numpy(labels).long()
    if freeze:  # the body never changes: compute its features once
        with torch.no_grad():
            features = hidden_features(model.body, x)  # (N, F)
    for _ in range(steps):
        logits = features @ model.W + model.b if freeze else model(x)  # (N, K)
        optimizer_step(optimizer, nn.functional.cross_entropy(logits, y))
    return model.eval()


def predict_topics(classifier, ids):
    """The most probable topic of each sentence: int (N, L) -> int (N,) (its mode is left as it was)."""
    check_module(classifier, "classifier", kind=TopicClassifier, make="Train one with sc.topics.train_topic_classifier.")
    ids = check_array(ids, "ids", ndim=2, dtype_kind="iu")
    with evaluating(classifier):
        return classifier(torch.from_numpy(ids).long()).argmax(dim=1).numpy()


def topic_words(language):
    """For each topic, the words that hint at it: its favoured animals and people (both numbers) and its own places."""
    out = []
    for topic in check_language(language).topics:
        nouns = [n for n in language.animals + language.people if n in TOPIC_NOUNS[topic]]
        forms = {w for n in nouns for w in (n, {**ANIMALS, **PEOPLE}[n])}
        others = {p for t in language.topics if t != topic for kind in PLACES.values() for p in kind[t]}
        forms |= {p for kind in PLACES.values() for p in kind[topic] if p not in others}
        out.append(sorted(forms))
    return out


def zero_shot_topics(model, language, ids):
    """A trick that uses a masked model as it is: hide each word in turn, add up the probability the
    model gives to each topic's words (``topic_words``) over the list's length, pick the largest.

    Returns
    -------
    int ndarray (N,), a topic index per sentence
    """
    check_masked_model(model, attrs=("mask_id",))
    check_language(language)
    ids = check_array(ids, "ids", ndim=2, dtype_kind="iu")
    member = np.zeros((len(language.vocab), len(language.topics)))  # (V, K): word w hints at topic k
    for k, words in enumerate(topic_words(language)):
        member[[language.vocabulary.index[w] for w in words], k] = 1 / len(words)
    scores = np.zeros((len(ids), len(language.topics)))
    for position in range(ids.shape[1]):
        mask = np.zeros(ids.shape, dtype=bool)
        mask[:, position] = ids[:, position] != language.vocabulary.pad_id
        rows = np.flatnonzero(mask[:, position])
        if len(rows):
            scores[rows] += predict_proba(model, ids, mask) @ member  # (M, V) x (V, K) -> (M, K)
    return scores.argmax(axis=1)
