"""Checkers for the exercises of lesson 01 (solutions/01_exercises.ipynb).

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use.
"""
from __future__ import annotations

import numpy as np

from ._core import Case, Mistake, check_function

__all__ = ["check_hide_words", "check_most_frequent_accuracy", "check_bert_corrupt"]

_RNG_SEED = 101


def _ids(rng, n, length, vocab=20, pad_from=None):
    """Small id arrays (N, L), ordinary words 3..vocab-1, padding (0) from column ``pad_from``."""
    ids = rng.integers(3, vocab, size=(n, length))
    if pad_from is not None:
        ids[1:, pad_from:] = 0
    return ids


# ---- hide_words: sentences -> (inputs, targets)
def _hide_words(ids, mask, mask_id):
    inputs = np.where(mask, mask_id, ids)  # (N, L)
    return inputs, ids[mask]  # targets (M,), row by row


def _hide_flipped(ids, mask, mask_id):
    return np.where(mask, ids, mask_id), ids[~mask]


def _hide_targets_from_inputs(ids, mask, mask_id):
    inputs = np.where(mask, mask_id, ids)
    return inputs, inputs[mask]


def _hide_cases():
    rng = np.random.default_rng(_RNG_SEED)
    ids = _ids(rng, 3, 6, pad_from=4)
    mask = np.zeros((3, 6), bool)
    mask[[0, 1, 2, 2], [1, 0, 2, 3]] = True
    one = np.zeros((1, 5), bool)
    one[0, 4] = True
    return [Case("3 sentences, 4 hidden words", (ids, mask, 1)),
            Case("one sentence, its last word hidden", (_ids(rng, 1, 5), one, 1)),
            Case("a mask id other than 1", (ids, mask, 7))]


def check_hide_words(hide_words):
    """Check ``hide_words(ids, mask, mask_id) -> (inputs, targets)``."""
    mistakes = [
        Mistake(_hide_flipped, "the mask polarity is flipped: True means hidden, so put mask_id "
                "where mask is True and take the targets there."),
        Mistake(_hide_targets_from_inputs, "the targets were read after hiding, so they are all "
                "mask_id: take them from the original ids."),
    ]
    return check_function("hide_words", hide_words, _hide_words, _hide_cases(), mistakes=mistakes,
                          hint="inputs is a copy of ids with mask_id where mask is True; targets are "
                               "ids[mask].", outputs=("inputs", "targets"))


# ---- most_frequent_accuracy: the simplest baseline
def _most_frequent_accuracy(train_ids, targets, n_special=3):
    counts = np.bincount(train_ids.ravel(), minlength=n_special + 1)  # (V,)
    counts[:n_special] = 0  # padding, mask and unknown are not words to guess
    return float(np.mean(targets == counts.argmax()))


def _most_frequent_with_specials(train_ids, targets, n_special=3):
    return float(np.mean(targets == np.bincount(train_ids.ravel()).argmax()))


def _most_frequent_of_targets(train_ids, targets, n_special=3):
    return float(np.mean(targets == np.bincount(targets).argmax()))


def _most_frequent_count(train_ids, targets, n_special=3):
    return int(np.sum(targets == _guess(train_ids, n_special)))


def _guess(train_ids, n_special):
    counts = np.bincount(train_ids.ravel(), minlength=n_special + 1)
    counts[:n_special] = 0
    return counts.argmax()


def _most_frequent_cases():
    train = np.array([[5, 4, 5, 0, 0], [5, 6, 4, 0, 0], [7, 4, 5, 6, 0]])  # 5 most frequent, padding more
    targets = np.array([5, 4, 5, 6, 4, 4, 7])  # 4 most frequent among the targets
    train_tie = np.array([[3, 8, 8, 3, 0]])  # 3 and 8 tie: the smaller id wins (argmax)
    return [Case("3 training sentences with padding", (train, targets)),
            Case("no target is the most frequent word", (train, np.array([4, 6, 7]))),
            Case("a tie between two words", (train_tie, np.array([3, 8, 8]))),
            Case("n_special=5", (np.array([[3, 3, 3, 6, 6]]), np.array([6, 3])), {"n_special": 5})]


def check_most_frequent_accuracy(most_frequent_accuracy):
    """Check ``most_frequent_accuracy(train_ids, targets, n_special=3) -> float``."""
    mistakes = [
        Mistake(_most_frequent_with_specials, "the padding id 0 was counted as a word: set the "
                "counts of the n_special first ids to 0 before taking the most frequent."),
        Mistake(_most_frequent_of_targets, "the guess came from the targets themselves: count the "
                "words of train_ids only (the held-out answers are not known in advance)."),
        Mistake(_most_frequent_count, "that is the number of right guesses: divide by the number "
                "of targets to get an accuracy between 0 and 1."),
    ]
    return check_function("most_frequent_accuracy", most_frequent_accuracy, _most_frequent_accuracy,
                          _most_frequent_cases(), mistakes=mistakes,
                          hint="count every id of train_ids (np.bincount), ignore the special ids, and "
                               "return the share of targets equal to the most frequent word.")


# ---- bert_corrupt: the 80/10/10 rule
def _bert_corrupt(ids, mask, u, random_ids, mask_id):
    inputs = ids.copy()
    to_mask = mask & (u < 0.8)  # 80% of the hidden positions
    to_random = mask & (u >= 0.8) & (u < 0.9)  # 10%; the last 10% stay unchanged
    inputs[to_mask] = mask_id
    inputs[to_random] = random_ids[to_random]
    return inputs


def _corrupt_everywhere(ids, mask, u, random_ids, mask_id):
    return _bert_corrupt(ids, np.ones_like(mask), u, random_ids, mask_id)


def _corrupt_swapped(ids, mask, u, random_ids, mask_id):
    inputs = ids.copy()
    inputs[mask & (u < 0.8)] = random_ids[mask & (u < 0.8)]
    inputs[mask & (u >= 0.8) & (u < 0.9)] = mask_id
    return inputs


def _corrupt_all_masked(ids, mask, u, random_ids, mask_id):
    return np.where(mask, mask_id, ids)


def _corrupt_cases():
    rng = np.random.default_rng(_RNG_SEED + 1)
    ids = _ids(rng, 4, 6)
    mask = rng.random((4, 6)) < 0.5
    u = np.tile([0.05, 0.85, 0.95, 0.5, 0.8, 0.9], (4, 1))  # every branch, both edges
    random_ids = _ids(rng, 4, 6)
    nothing = np.zeros((2, 3), bool)
    return [Case("4 sentences, every branch of the rule", (ids, mask, u, random_ids, 1)),
            Case("u exactly 0.8 and 0.9 at hidden positions", (ids, np.ones((4, 6), bool), u, random_ids, 1)),
            Case("nothing hidden", (ids[:2, :3], nothing, u[:2, :3], random_ids[:2, :3], 1))]


def check_bert_corrupt(bert_corrupt):
    """Check ``bert_corrupt(ids, mask, u, random_ids, mask_id) -> inputs``."""
    mistakes = [
        Mistake(_corrupt_everywhere, "visible positions were changed too: apply the rule only where "
                "mask is True (combine the conditions with mask & ...)."),
        Mistake(_corrupt_swapped, "the two rates are swapped: u < 0.8 gives mask_id (80%), "
                "0.8 <= u < 0.9 gives the random word (10%)."),
        Mistake(_corrupt_all_masked, "every hidden position became mask_id: only u < 0.8 does; "
                "0.8 <= u < 0.9 takes random_ids, and u >= 0.9 keeps the original word."),
    ]
    return check_function("bert_corrupt", bert_corrupt, _bert_corrupt, _corrupt_cases(), mistakes=mistakes,
                          hint="start from a copy of ids; where mask & (u < 0.8) put mask_id, where "
                               "mask & (0.8 <= u < 0.9) put random_ids, leave the rest.")
