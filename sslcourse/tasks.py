"""The fill-in-the-blank task on which every text model of the course is scored.

Hide exactly one word per held-out sentence, at a position drawn uniformly, and predict it.
Its Bayes limit is known exactly (``sc.data.bayes_limit``), so every score has a ceiling.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_array, check_int, check_language, check_rng
from .data.bayes import Score, bayes_posteriors

__all__ = ["FillInTask", "Score", "bayes_score", "check_task", "make_fill_in_task", "score"]


@dataclass(frozen=True, repr=False)
class FillInTask:
    """Held-out sentences with one hidden word each, and the exact posterior of that word.

    Attributes
    ----------
    ids : ndarray of int, shape (N, L)
        The true sentences, padded.
    mask : ndarray of bool, shape (N, L)
        True = hidden; exactly one per row.
    bayes : ndarray of float, shape (N, V)
        The exact posterior of each hidden word given the visible ones.
    mask_id : int
        The id that stands for a hidden word in ``inputs``.
    """

    ids: np.ndarray
    mask: np.ndarray
    bayes: np.ndarray
    mask_id: int

    def __repr__(self):
        return f"FillInTask({len(self.ids)} sentences of up to {self.ids.shape[1]} words, one hidden word each)"

    @property
    def inputs(self):
        """ids (N, L) with the hidden word replaced by ``MASK``."""
        return np.where(self.mask, self.mask_id, self.ids)

    @property
    def targets(self):
        """(N,) the hidden words' ids."""
        return self.ids[self.mask]


def make_fill_in_task(language, n, *, rng):
    """Sample ``n`` sentences and hide one word of each (uniform position).

    Parameters
    ----------
    language : ToyLanguage
    n : int
    rng : numpy.random.Generator
    """
    check_language(language)
    n = check_int(n, "n", minimum=1)
    check_rng(rng)
    sentences = language.sample(n, rng=rng)
    ids = language.encode(sentences, length=language.max_length)
    lengths = np.array([len(s) for s in sentences])
    positions = (rng.random(n) * lengths).astype(int)  # uniform in [0, length)
    mask = np.zeros(ids.shape, dtype=bool)
    mask[np.arange(n), positions] = True
    return FillInTask(ids, mask, bayes_posteriors(language, ids, mask), language.vocabulary.mask_id)


def score(probs, targets):
    """Accuracy of the most probable word, and mean cross-entropy.

    Parameters
    ----------
    probs : ndarray of float, shape (M, V)
        Predicted probabilities, one row per hidden word.
    targets : ndarray of int, shape (M,)
    """
    probs = check_array(probs, "probs", ndim=2, dtype_kind="f", finite=True)
    targets = check_array(targets, "targets", ndim=1, dtype_kind="iu")
    if len(probs) != len(targets):
        raise ValueError(f"probs has {len(probs)} rows but targets has {len(targets)}: give one row per target.")
    if len(targets) and (targets.min() < 0 or targets.max() >= probs.shape[1]):
        raise ValueError(f"targets must hold ids in [0, {probs.shape[1]}), one column of probs each, got "
                         f"{targets[(targets < 0) | (targets >= probs.shape[1])][0]}. Score with the vocabulary of the model.")
    picked = probs[np.arange(len(targets)), targets]
    accuracy = float((probs.argmax(axis=1) == targets).mean())
    return Score(accuracy, float(-np.log(np.maximum(picked, 1e-12)).mean()))


def bayes_score(task):
    """The score of the exact posterior on this very task: the ceiling for its held-out set."""
    check_task(task)
    return score(task.bayes, task.targets)


def check_task(task, name="task"):
    """Check that ``task`` is a ``FillInTask``."""
    if not isinstance(task, FillInTask):
        raise TypeError(f"{name} must be a task made by sc.tasks.make_fill_in_task, got {type(task).__name__}. "
                        f"Make one with {name} = sc.tasks.make_fill_in_task(language, 500, rng=rng).")
    return task
