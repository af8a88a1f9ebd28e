"""Training sentences in bulk: drawn from the toy language's table of every sentence.

``ToyLanguage.sample`` walks the generative process one sentence at a time (about 10,000
sentences a second). ``language.table`` already lists every sentence the language makes with its
probability, so drawing rows of it gives the same distribution at numpy speed: millions of
sentences a second, enough to never show a model the same batch twice.
"""
from __future__ import annotations

import numpy as np

from .._validation import check_int, check_language, check_rng

__all__ = ["sample_ids"]


def sample_ids(language, n, *, rng):
    """Draw ``n`` sentences of ``language`` as ids, padded to ``language.max_length``.

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
