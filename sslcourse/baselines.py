"""Baselines for the fill-in-the-blank task: guessing, the most frequent word, and counts."""
from __future__ import annotations

import numpy as np

from ._validation import check_array, check_int, check_mask
from .tasks import check_task

__all__ = ["NeighbourCounts", "UnigramCounts", "uniform_guess"]


def uniform_guess(task, vocab_size, n_special=3):
    """Every ordinary word equally likely: (N, V) probabilities."""
    check_task(task)
    n_special = check_int(n_special, "n_special", minimum=0)
    vocab_size = check_int(vocab_size, "vocab_size", minimum=n_special + 1)
    probs = np.zeros((len(task.targets), vocab_size))
    probs[:, n_special:] = 1.0 / (vocab_size - n_special)
    return probs


class UnigramCounts:
    """Predict each hidden word from how often each word occurs in training sentences."""

    def __init__(self, vocab_size, *, smoothing=1.0, n_special=3):
        self.vocab_size = check_int(vocab_size, "vocab_size", minimum=n_special + 1)
        self.smoothing, self.n_special = smoothing, n_special

    def fit(self, ids):
        """Count words in ids (N, L); padding and special tokens are skipped."""
        ids = check_array(ids, "ids", ndim=2, dtype_kind="iu")
        counts = np.bincount(ids.ravel(), minlength=self.vocab_size).astype(float)
        counts[: self.n_special] = 0.0
        counts[self.n_special:] += self.smoothing
        self.probs_ = counts / counts.sum()
        return self

    def predict_proba(self, inputs, mask):
        """(M, V) probabilities, one row per hidden position of inputs (N, L)."""
        inputs = check_array(inputs, "inputs", ndim=2, dtype_kind="iu")
        mask = check_mask(mask, "mask", inputs.shape)
        return np.tile(self.probs_, (int(np.count_nonzero(mask)), 1))


class NeighbourCounts:
    """Predict a hidden word from counts of (left word, right word) -> word.

    A trigram-style count model: P(w | left, right) from training sentences, with add-k
    smoothing and a fall-back to word counts when a pair of neighbours was never seen.
    """

    def __init__(self, vocab_size, *, smoothing=0.1, n_special=3, pad_id=0):
        self.vocab_size = check_int(vocab_size, "vocab_size", minimum=n_special + 1)
        self.smoothing, self.n_special, self.pad_id = smoothing, n_special, pad_id

    def fit(self, ids):
        """Count (left, word, right) triples in ids (N, L); sentence edges are padding."""
        ids = check_array(ids, "ids", ndim=2, dtype_kind="iu")
        padded = np.pad(ids, ((0, 0), (1, 1)), constant_values=self.pad_id)  # (N, L+2)
        left, word, right = padded[:, :-2].ravel(), padded[:, 1:-1].ravel(), padded[:, 2:].ravel()
        real = word >= self.n_special
        V = self.vocab_size
        self.counts_ = np.zeros((V, V, V))
        np.add.at(self.counts_, (left[real], right[real], word[real]), 1.0)  # (left, right, word)
        self.unigram_ = UnigramCounts(V, n_special=self.n_special).fit(ids).probs_
        return self

    def predict_proba(self, inputs, mask):
        """(M, V) probabilities, one row per hidden position of inputs (N, L)."""
        inputs = check_array(inputs, "inputs", ndim=2, dtype_kind="iu")
        mask = check_mask(mask, "mask", inputs.shape)
        padded = np.pad(inputs, ((0, 0), (1, 1)), constant_values=self.pad_id)
        n, pos = np.nonzero(mask)
        counts = self.counts_[padded[n, pos], padded[n, pos + 2]]  # (M, V)
        counts = counts + self.smoothing * self.unigram_
        return counts / counts.sum(axis=1, keepdims=True)
