"""The Bayes limit of the fill-in-the-blank task: no model can beat it on average.

The task: take a sentence of the language, hide one word at a position chosen uniformly,
and predict it. The best possible guess is the posterior's most probable word, and the best
possible cross-entropy is the posterior's own.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_array, check_language
from .table import sentence_keys


@dataclass(frozen=True)
class Score:
    """Accuracy and cross-entropy (nats) of predictions on a task (``sc.tasks.score`` makes them)."""

    accuracy: float
    cross_entropy: float

    def __repr__(self):
        return f"Score(accuracy={self.accuracy:.3f}, cross_entropy={self.cross_entropy:.3f})"


@dataclass(frozen=True, repr=False)
class BayesLimit(Score):
    """The best accuracy and cross-entropy (nats) any model can reach on the task: a ``Score``
    printed with four decimals (it is exact)."""

    def __repr__(self):
        return f"BayesLimit(accuracy={self.accuracy:.4f}, cross_entropy={self.cross_entropy:.4f} nats)"


def bayes_limit(language):
    """Exact Bayes-optimal accuracy and cross-entropy of the one-hidden-word task.

    Sums over every sentence of ``language.table`` and every position, grouping the
    sentences that look the same once the position is hidden.
    """
    check_language(language)
    accuracy = cross_entropy = 0.0
    for length, (rows, joint) in language.table.items():
        p = joint.sum(axis=1)  # (S,) probability of each sentence
        for i in range(length):
            group = _context_groups(rows, i, len(language.vocab))
            p_context = np.bincount(group, weights=p)  # P(visible words)
            best = np.zeros_like(p_context)
            np.maximum.at(best, group, p)  # max over the hidden word of P(context, word)
            accuracy += best.sum() / length
            cross_entropy -= (p * np.log(p / p_context[group])).sum() / length
    return BayesLimit(float(accuracy), float(cross_entropy))


def _context_groups(rows, position, vocab_size):
    """Give the same number to the sentences that are equal outside ``position``."""
    context = np.delete(rows, position, axis=1)  # (S, L-1)
    keys = sentence_keys(context, vocab_size)
    return np.unique(keys, return_inverse=True)[1].ravel()


def bayes_posteriors(language, ids, mask):
    """Exact posterior at each hidden position of a batch.

    Parameters
    ----------
    language : ToyLanguage
    ids : ndarray of int, shape (N, L)
        Encoded sentences (padded); the true words, not yet masked.
    mask : ndarray of bool, shape (N, L)
        True = hidden. Every hidden word of a row is summed over when predicting the others.

    Returns
    -------
    ndarray of float64, shape (M, V)
        One posterior per hidden position, in ``np.nonzero(mask)`` order.
    """
    check_language(language)
    ids = check_array(ids, "ids", ndim=2, dtype_kind="iu")
    mask = check_array(mask, "mask", ndim=2, dtype_kind="b")
    if mask.shape != ids.shape:
        raise ValueError(f"mask must have the shape of ids {ids.shape}, got {mask.shape}.")
    vocab, out = language.vocabulary, []
    for row, hidden in zip(ids, mask):
        words = [vocab.words[i] if not h else vocab.words[vocab.mask_id] for i, h in zip(row, hidden) if i != vocab.pad_id]
        for position in np.flatnonzero(hidden):
            out.append(language.posterior(words, int(position)))
    return np.array(out).reshape(-1, len(vocab))
