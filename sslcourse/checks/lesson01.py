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


def _hide_targets_sorted(ids, mask, mask_id):
    inputs = ids.copy()
    inputs[mask] = mask_id
    return inputs, np.sort(ids[mask])


def _hide_targets_column_order(ids, mask, mask_id):
    return np.where(mask, mask_id, ids), ids.T[mask.T]


def _hide_targets_full(ids, mask, mask_id):
    return np.where(mask, mask_id, ids), np.where(mask, ids, 0)


def check_hide_words(hide_words):
    """Check ``hide_words(ids, mask, mask_id) -> (inputs, targets)``."""
    mistakes = [
        Mistake(_hide_flipped, "the mask polarity is flipped: in this course True means hidden.",
                "The hidden positions are the ones that get mask_id and the ones whose words become targets."),
        Mistake(_hide_targets_from_inputs, "the targets were read after hiding, so they are all mask_id.",
                "Read the targets from the original ids, which still hold the true words."),
        Mistake(_hide_targets_sorted, "the targets are sorted: they must come in reading order, sentence by "
                "sentence, left to right, so that target m belongs to the m-th hidden position.",
                "Boolean indexing of an array by a mask of the same shape already gives that order."),
        Mistake(_hide_targets_column_order, "the targets come column by column: read them row by row "
                "(sentence after sentence).",
                "Transposing changes the reading order; index the arrays as they are."),
        Mistake(_hide_targets_full, "targets is a full (N, L) array: the docstring asks for the hidden "
                "words only, a 1-D array of length M = the number of hidden positions.",
                "Selecting with a boolean mask gives a 1-D array of the selected entries."),
    ]
    return check_function("hide_words", hide_words, _hide_words, _hide_cases(), mistakes=mistakes,
                          hint="masked prediction: the input is the sentence with the hidden words replaced "
                               "by the mask token, the target is what was there.",
                          more="Build the inputs as a new array (leave ids unchanged) and select the hidden "
                               "true words with the boolean mask.", outputs=("inputs", "targets"))


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
            Case("n_special=5", (np.array([[3, 3, 3, 6, 6]]), np.array([6, 3])), {"n_special": 5}),
            Case("the first sentence is not like the others",
                 (np.array([[9, 7, 7, 0], [4, 9, 4, 0], [4, 7, 4, 4]]), np.array([4, 4, 4, 7, 7, 9])))]


def _most_frequent_first_word(train_ids, targets, n_special=3):
    return float(np.mean(targets == train_ids[0, 0]))


def _most_frequent_per_sentence(train_ids, targets, n_special=3):
    return float(np.mean(targets == np.bincount(train_ids[0], minlength=n_special + 1)[n_special:].argmax() + n_special))


def check_most_frequent_accuracy(most_frequent_accuracy):
    """Check ``most_frequent_accuracy(train_ids, targets, n_special=3) -> float``."""
    mistakes = [
        Mistake(_most_frequent_with_specials, "the padding id 0 was counted as a word.",
                "The first n_special ids are special tokens (padding, mask, unknown): leave them out of the "
                "count before choosing the most frequent word."),
        Mistake(_most_frequent_of_targets, "the guess came from the targets themselves: a baseline may only "
                "use the training sentences (the held-out answers are not known in advance).",
                "Count the words of train_ids, never of targets."),
        Mistake(_most_frequent_count, "that is the number of right guesses, not an accuracy.",
                "An accuracy is a share between 0 and 1: divide by how many targets there are."),
        Mistake(_most_frequent_first_word, "the guess is the first word of the data: the baseline guesses "
                "the word seen most often in all of train_ids.",
                "Count how often every id occurs, over every sentence."),
        Mistake(_most_frequent_per_sentence, "the count covers only the first sentence: count the words of "
                "every training sentence.",
                "Flatten all the sentences into one long list of ids before counting."),
    ]
    return check_function("most_frequent_accuracy", most_frequent_accuracy, _most_frequent_accuracy,
                          _most_frequent_cases(), mistakes=mistakes,
                          hint="the most-frequent-word baseline: always guess the one word that is most "
                               "common in the training sentences, and score that guess on the targets.",
                          more="Count each id of train_ids, ignore the special ids, pick the most common, "
                               "and return the share of targets equal to it, as a float.")


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


def _corrupt_random_for_rest(ids, mask, u, random_ids, mask_id):
    inputs = _bert_corrupt(ids, mask, u, random_ids, mask_id)
    rest = mask & (u >= 0.9)
    inputs[rest] = random_ids[rest]
    return inputs


def _corrupt_strict_edges(ids, mask, u, random_ids, mask_id):
    inputs = ids.copy()
    inputs[mask & (u <= 0.8)] = mask_id
    between = mask & (u > 0.8) & (u <= 0.9)
    inputs[between] = random_ids[between]
    return inputs


def check_bert_corrupt(bert_corrupt):
    """Check ``bert_corrupt(ids, mask, u, random_ids, mask_id) -> inputs``."""
    mistakes = [
        Mistake(_corrupt_everywhere, "visible positions were changed too: the 80/10/10 rule applies to "
                "the hidden positions only.",
                "Every condition you use must also require that the position is hidden."),
        Mistake(_corrupt_swapped, "the two rates are swapped: the mask token is the common case (80%), a "
                "random word the rare one (10%).",
                "Look at which range of u goes with which replacement in the lesson's rule."),
        Mistake(_corrupt_all_masked, "every hidden position became the mask token: BERT's rule has three "
                "branches, not one.",
                "Some hidden positions get a random word and some keep their own word; u decides which."),
        Mistake(_corrupt_random_for_rest, "the last 10% got a random word too: those hidden positions keep "
                "their original word (the model must still predict it).",
                "Only the middle range of u takes random_ids."),
        Mistake(_corrupt_strict_edges, "the edges of the ranges are off: u = 0.8 exactly belongs to the "
                "random-word branch, u = 0.9 to the unchanged one.",
                "Each range includes its lower end and excludes its upper end."),
    ]
    return check_function("bert_corrupt", bert_corrupt, _bert_corrupt, _corrupt_cases(), mistakes=mistakes,
                          hint="BERT's 80/10/10 rule: of the hidden positions, most get the mask token, a "
                               "few a random word, a few keep their word; u, one uniform number per "
                               "position, decides.",
                          more="Work on a new array, decide each hidden position by the range its u falls "
                               "in, and leave every visible position as it was.")
