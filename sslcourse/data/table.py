"""The table of every sentence of a ``ToyLanguage`` with its probability, and what is read from it.

``language.table``: length L -> (ids int64 (S, L), joint probability of each topic (S, T)), one row per
distinct sentence. Only ``sc.data`` reads it: the exact answers (``exact.py``, ``bayes.py``), the
sentences that match visible words, and drawing ids in bulk (``sample_ids``).
"""
from __future__ import annotations

import numpy as np

from .._validation import check_int, check_language, check_rng

__all__ = ["build_table", "matching_rows", "sample_ids", "sentence_keys"]


def sentence_keys(rows, vocab_size):
    """One int64 per row of ids (S, k): equal rows, equal keys (the row read as a number in base V)."""
    return rows @ (vocab_size ** np.arange(rows.shape[1], dtype=np.int64))


def build_table(derivations, n_topics, vocab_size):
    """Merge equal sentences of ``derivations`` (ids tuple, topic index, probability) into the table."""
    ids, topic_of, probs = zip(*derivations)
    lengths = np.array([len(x) for x in ids])
    topic_of, probs = np.array(topic_of), np.array(probs)
    table = {}
    for length in np.unique(lengths):
        pick = np.flatnonzero(lengths == length)
        rows = np.array([ids[i] for i in pick], dtype=np.int64)  # (R, L) one row per derivation
        _, first, inverse = np.unique(sentence_keys(rows, vocab_size), return_index=True, return_inverse=True)
        joint = np.zeros((len(first), n_topics))  # (S, T)
        np.add.at(joint, (inverse.ravel(), topic_of[pick]), probs[pick])
        table[int(length)] = (rows[first], joint)
    return table


def matching_rows(language, ids, words):
    """The rows of the table (ids, joint) that agree with ``ids`` (L,) wherever it is not ``MASK``."""
    rows, joint = language.table[len(ids)]
    visible = ids != language.vocabulary.mask_id
    keep = (rows[:, visible] == ids[visible]).all(axis=1)
    if not keep.any():
        raise ValueError(
            f"the language never makes a sentence like {' '.join(words)!r}: no sentence matches the "
            "visible words. Check the word order, or sample real sentences with .sample()."
        )
    return rows[keep], joint[keep]


def sample_ids(language, n, *, rng):
    """Draw ``n`` sentences of ``language`` as ids, padded to ``language.max_length``.

    ``ToyLanguage.sample`` walks the generative process one sentence at a time (about 10,000 a
    second); drawing rows of the table gives the same distribution at numpy speed, millions a second.

    Parameters
    ----------
    language : sc.data.ToyLanguage
    n : int
    rng : numpy.random.Generator

    Returns
    -------
    ids : int64 ndarray (n, L), the same distribution as ``language.encode(language.sample(n))``
    """
    n = check_int(n, "n", minimum=1)
    check_rng(rng)
    check_language(language)
    L, pad = language.max_length, language.vocabulary.pad_id
    rows = [np.pad(ids, ((0, 0), (0, L - ids.shape[1])), constant_values=pad)  # (S_l, l) -> (S_l, L)
            for ids, _ in language.table.values()]
    probs = np.concatenate([joint.sum(axis=1) for _, joint in language.table.values()])  # (S,)
    picked = rng.choice(len(probs), size=n, p=probs / probs.sum())  # (n,) sentence numbers
    return np.concatenate(rows)[picked]
