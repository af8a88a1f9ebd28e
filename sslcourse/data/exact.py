"""Exact answers read off the toy language's table: the Bayes-optimal topic and next-word predictions.

The topic of a sentence (notebook 08) and the next word after a prefix (notebook 09) have exact
posteriors, summed over ``language.table``; their limits are what no model can beat on average.
(The masked-word answers are ``ToyLanguage.posterior`` and ``bayes.py``.) Shape letters: N sentences,
L positions, V vocabulary, K topics.
"""
from __future__ import annotations

import numpy as np

from .._validation import check_array, check_language
from .bayes import BayesLimit
from .table import sentence_keys
from .vocabulary import SPECIALS

__all__ = ["check_prefix", "next_word_limit", "next_word_posterior", "next_word_posteriors", "topic_limit",
           "topic_posteriors"]


def topic_limit(language):
    """Exact Bayes-optimal topic accuracy over the whole language: sum over sentences of max_t P(s, t)."""
    return float(sum(joint.max(axis=1).sum() for _, joint in check_language(language).table.values()))


def topic_posteriors(language, ids):
    """Exact P(topic | sentence) for a batch: int (N, L) padded -> float64 (N, K).

    The same as ``language.topic_posterior`` row by row, looked up in one pass.
    """
    check_language(language)
    ids = check_array(ids, "ids", ndim=2, dtype_kind="iu")
    V, pad, out = len(language.vocab), language.vocabulary.pad_id, np.zeros((len(ids), len(language.topics)))
    lengths = (ids != pad).sum(axis=1)
    for length, (rows, joint) in language.table.items():
        pick = np.flatnonzero(lengths == length)
        if len(pick):
            keys = sentence_keys(rows, V)  # (S,) one number per sentence
            order = np.argsort(keys)
            wanted = sentence_keys(ids[pick, :length], V)
            where = order[np.minimum(np.searchsorted(keys, wanted, sorter=order), len(keys) - 1)]
            if (keys[where] != wanted).any():
                bad = language.decode(ids[pick[np.argmax(keys[where] != wanted)]])
                raise ValueError(f"ids holds a sentence the language never makes: {' '.join(bad)!r}. "
                                 f"Give sentences from language.sample(), encoded with language.encode().")
            out[pick] = joint[where] / joint[where].sum(axis=1, keepdims=True)
    return out


def check_prefix(prompt, vocabulary, name="prompt"):
    """Check the first words of a sentence: a list of words of the vocabulary (no special token)."""
    if isinstance(prompt, str):
        raise TypeError(f"{name} must be a list of words, got the string {prompt!r}. Use {name}.split().")
    if not isinstance(prompt, (list, tuple)):
        raise TypeError(f"{name} must be a list of words, got {type(prompt).__name__}. Pass words like ['the', 'dog'].")
    prompt = list(prompt)
    unknown = [w for w in prompt if not isinstance(w, str) or w not in vocabulary.index or w in SPECIALS]
    if unknown:
        raise ValueError(f"{name} holds words outside the vocabulary: {unknown}. Use words of language.vocab "
                         f"(not the special tokens {list(SPECIALS)}); check their spelling.")
    return prompt


def _prefix_keys(rows, k, V):
    """One int64 per row for its first k ids (equal prefixes, equal keys)."""
    return sentence_keys(rows[:, :k], V)


def _continuations(language, k):
    """Every sentence of the language with at least k words: prefix keys, next id (pad = end), probability."""
    V, pad = len(language.vocab), language.vocabulary.pad_id
    keys, nxt, probs = [], [], []
    for length, (rows, joint) in language.table.items():
        if length >= k:
            keys.append(_prefix_keys(rows, k, V))
            nxt.append(rows[:, k] if length > k else np.full(len(rows), pad))
            probs.append(joint.sum(axis=1))
    return np.concatenate(keys), np.concatenate(nxt), np.concatenate(probs)


def next_word_posterior(language, prefix):
    """Exact P(next word | prefix) over ``language.vocab``; the ``<pad>`` entry is P(the sentence ends).

    Parameters
    ----------
    language : ToyLanguage
    prefix : list of str, the first words of a sentence (may be empty)

    Returns
    -------
    ndarray of float64, shape (V,), sums to 1
    """
    prefix = check_prefix(prefix, check_language(language).vocabulary, "prefix")
    k, V = len(prefix), len(language.vocab)
    key = _prefix_keys(np.array([[language.vocabulary.index[w] for w in prefix]], dtype=np.int64), k, V)[0]
    keys, nxt, probs = _continuations(language, k) if k <= language.max_length else ([], [], [])
    hit = np.asarray(keys) == key
    if not hit.any():
        raise ValueError(f"prefix {' '.join(prefix)!r} starts no sentence of the language. Use the first words "
                         f"of a sentence from language.sample().")
    out = np.bincount(nxt[hit], weights=probs[hit], minlength=V)
    return out / out.sum()


def next_word_posteriors(language, inputs):
    """Exact next-word posteriors at every position of a batch (the Bayes-optimal next-word model).

    Parameters
    ----------
    language : ToyLanguage
    inputs : int ndarray (N, L + 1), from ``next_token_batch`` (start marker first)

    Returns
    -------
    ndarray of float64, shape (N, L + 1, V); zeros past a sentence's end (and after a prefix the
    language never makes)
    """
    check_language(language)
    inputs = check_array(inputs, "inputs", ndim=2, dtype_kind="iu")
    N, L1 = inputs.shape
    V, pad = len(language.vocab), language.vocabulary.pad_id
    lengths = (inputs[:, 1:] != pad).sum(axis=1)  # (N,)
    out = np.zeros((N, L1, V))
    for k in range(min(L1, language.max_length + 1)):
        keys, nxt, probs = _continuations(language, k)
        rows = np.flatnonzero(lengths >= k)  # sentences that reach position k
        wanted = np.unique(_prefix_keys(inputs[rows, 1:], k, V))
        keep = np.isin(keys, wanted)
        joint = np.zeros((len(wanted), V))
        np.add.at(joint, (np.searchsorted(wanted, keys[keep]), nxt[keep]), probs[keep])
        found = joint[np.searchsorted(wanted, _prefix_keys(inputs[rows, 1:], k, V))]  # (R, V)
        out[rows, k] = found / np.maximum(found.sum(axis=1, keepdims=True), 1e-300)
    return out


def next_word_limit(language):
    """Exact Bayes-optimal next-word accuracy and cross-entropy over the whole language.

    Averaged over every predicted word (each sentence's words and its end), as a model is scored.
    """
    check_language(language)
    accuracy = cross_entropy = 0.0
    for k in range(language.max_length + 1):
        keys, nxt, probs = _continuations(language, k)
        V1 = len(language.vocab)
        _, group = np.unique(keys * V1 + nxt, return_inverse=True)  # (prefix, next word) pairs
        pair = np.bincount(group.ravel(), weights=probs)  # P(prefix, next)
        prefix_of = np.unique(keys, return_inverse=True)[1].ravel()
        pair_prefix = np.zeros(len(pair), dtype=np.int64)
        pair_prefix[group.ravel()] = prefix_of
        best = np.zeros(prefix_of.max() + 1)
        np.maximum.at(best, pair_prefix, pair)
        p_prefix = np.bincount(pair_prefix, weights=pair)
        accuracy += best.sum()
        cross_entropy -= (pair * np.log(pair / p_prefix[pair_prefix])).sum()
    n_predicted = sum(joint.sum() * (length + 1) for length, (_, joint) in language.table.items())
    return BayesLimit(float(accuracy / n_predicted), float(cross_entropy / n_predicted))
