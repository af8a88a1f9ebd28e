"""Checkers for the capstone (solutions/capstone.ipynb): a masked-word model of your own text."""
from __future__ import annotations

import os

import numpy as np

from ._core import Case, Mistake, check_function, run_experiment

__all__ = ["check_nearest_words", "check_own_text_model"]

_RNG_SEED = 1111


# ---- nearest_words: the words whose embeddings point the same way
def _nearest_words(E, word, k):
    norms = np.linalg.norm(E, axis=1)  # (V,)
    similarity = E @ E[word] / np.maximum(norms * norms[word], 1e-12)  # cosine, (V,)
    similarity[word] = -np.inf  # a word is not its own neighbour
    return np.argsort(-similarity, kind="stable")[:k]


def _nn_dot(E, word, k):
    similarity = E @ E[word]
    similarity[word] = -np.inf
    return np.argsort(-similarity, kind="stable")[:k]


def _nn_with_itself(E, word, k):
    norms = np.linalg.norm(E, axis=1)
    return np.argsort(-(E @ E[word] / (norms * norms[word])), kind="stable")[:k]


def _nn_farthest(E, word, k):
    norms = np.linalg.norm(E, axis=1)
    similarity = E @ E[word] / (norms * norms[word])
    similarity[word] = np.inf
    return np.argsort(similarity, kind="stable")[:k]


def _nn_euclidean(E, word, k):
    distance = np.linalg.norm(E - E[word], axis=1)
    distance[word] = np.inf
    return np.argsort(distance, kind="stable")[:k]


def _nn_similarities(E, word, k):
    norms = np.linalg.norm(E, axis=1)
    similarity = E @ E[word] / (norms * norms[word])
    similarity[word] = -np.inf
    return np.sort(similarity)[::-1][:k]


def _nn_cases():
    rng = np.random.default_rng(_RNG_SEED)
    E = rng.standard_normal((9, 4)) * rng.uniform(0.2, 3.0, size=(9, 1))  # rows of very different lengths
    return [Case("9 words of width 4, rows of different lengths, k=3", (E, 2, 3)),
            Case("k=1", (E, 5, 1)),
            Case("k=8: every other word", (E, 0, 8))]


def check_nearest_words(nearest_words):
    """Check ``nearest_words(E, word, k) -> int ndarray (k,)``."""
    mistakes = [
        Mistake(_nn_dot, "these are the largest dot products: a long embedding wins whatever its direction. "
                "Similarity here is the cosine, which ignores lengths.",
                "Divide by the lengths of both vectors."),
        Mistake(_nn_with_itself, "the word itself is in the list: it is always its own most similar word, "
                "and it is not a neighbour.", "Leave the word out before choosing."),
        Mistake(_nn_farthest, "these are the least similar words: neighbours are the most similar, most "
                "similar first.", "Sort from the largest similarity down."),
        Mistake(_nn_euclidean, "these are the nearest by Euclidean distance, which depends on the lengths "
                "too: use the cosine similarity.", "Compare directions, not positions."),
        Mistake(_nn_similarities, "these are similarities: return the ids of the words.",
                "The result indexes the vocabulary; it holds ints."),
    ]
    return check_function("nearest_words", nearest_words, _nearest_words, _nn_cases(), mistakes=mistakes,
                          hint="nearest neighbours in embedding space: the k words whose embeddings have the "
                               "largest cosine similarity with the word's, most similar first, the word "
                               "itself left out; their ids.",
                          more="The cosine of two vectors is their dot product divided by both lengths.")


# ---- own_text_model (the project's experiment): does the model beat the baseline?
def _report_tests(report):
    def value(key):
        return float(report[key])

    def numbers():
        return all(0 <= value(k) <= 1 for k in ("baseline", "model"))

    return [
        ("a dict with the accuracies 'baseline' and 'model', each between 0 and 1", numbers,
         "return {'baseline': ..., 'model': ...}, two accuracies on the same held-out hidden words."),
        ("the model is scored on at least 200 hidden words", lambda: int(report["n_hidden"]) >= 200,
         "hold out enough sentences (one hidden word each) for the accuracy to mean something."),
        ("the model beats the most-frequent-word baseline by at least 0.05",
         lambda: value("model") >= value("baseline") + 0.05,
         "train longer or on more sentences; check that the model is scored on the hidden words only and "
         "that the baseline's guess comes from the training sentences."),
    ]


def _train_and_evaluate(corpus, seed=0, steps=600):
    """The reference project: a small transformer trained on 80% of the sentences, scored on one hidden
    word in each of the other 20%, against the most-frequent-word baseline."""
    import torch

    from .. import nn_torch, train

    vocab = corpus.vocabulary
    ids = corpus.encode()  # (N, L), padded
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(ids))
    n_test = max(len(ids) // 5, 1)
    test, fit = ids[order[:n_test]], ids[order[n_test:]]
    lengths = (test != vocab.pad_id).sum(axis=1)
    mask = np.zeros(test.shape, dtype=bool)
    mask[np.arange(len(test)), (rng.random(len(test)) * lengths).astype(int)] = True  # one real word each
    targets = test[mask]
    counts = np.bincount(fit.ravel(), minlength=len(vocab))
    counts[:vocab.n_special] = 0
    config = nn_torch.EncoderConfig(vocab_size=len(vocab), max_length=ids.shape[1], width=64, depth=2, heads=4,
                                    pad_id=vocab.pad_id, mask_id=vocab.mask_id)
    model = nn_torch.TransformerEncoder(config, generator=torch.Generator().manual_seed(seed))
    train.train(model, fit, steps=steps, batch_size=64, generator=torch.Generator().manual_seed(seed),
                device="cpu", progress=False)
    probs = train.predict_proba(model, test, mask)
    return {"baseline": float(np.mean(targets == counts.argmax())), "model": float(np.mean(probs.argmax(1) == targets)),
            "n_hidden": int(mask.sum()), "embeddings": model.tok.weight.detach().cpu().numpy().astype(np.float64)}


def check_own_text_model(train_and_evaluate, corpus, seed=0):
    """Run ``train_and_evaluate(corpus, seed) -> report`` and check its numbers: a dict with the
    accuracies 'baseline' and 'model', 'n_hidden', and the trained 'embeddings' (V, D).

    Returns the report the next cells should use (the learner's when plausible)."""
    def tests(report):
        checks = _report_tests(report)
        shape = (len(corpus.vocabulary),)
        checks.append(("'embeddings' is a float array with one row per word of the vocabulary",
                       lambda: report["embeddings"].shape[:1] == shape and report["embeddings"].dtype.kind == "f",
                       "take the weight of the model's token embedding, as a numpy array."))
        return checks

    return run_experiment("own_text_model", train_and_evaluate, _train_and_evaluate, (corpus, seed), tests,
                          time_limit=float(os.environ.get("SSLCOURSE_CHECK_TIME_LIMIT", 300)))
