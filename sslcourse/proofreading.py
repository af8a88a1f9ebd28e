"""Name the error: a sentence task whose answer needs the structure masked prediction learns.

A sentence of the toy language is either real or broken in one of three ways:

- ``order``: two neighbouring words swapped (*the eats dog the bread*);
- ``agreement``: the verb in the wrong number (*the dog eat the bread*);
- ``meaning``: an object nobody in the language can take (*the cow eats the soup*).

Which kind it is can be read off the sentence alone (``possible_kinds`` undoes every error and
checks against the language), so the Bayes limit of the task is known. A bag of words barely
sees the difference; a masked-word model that knows the language does: hide each word in turn and
ask how surprised the model is (``surprisal_features``).
"""
from __future__ import annotations

import functools

import numpy as np

from sslcourse._validation import check_int, check_rng
from sslcourse.data import lexicon as lx

__all__ = ["KINDS", "corrupt", "error_dataset", "possible_kinds", "surprisal_features", "bag_of_words"]

KINDS = ("real", "order", "agreement", "meaning")

_OTHER_NUMBER = {form: other for forms in lx.VERBS.values() for sg, pl in forms.items()
                 for form, other in ((sg, pl), (pl, sg)) if form != other}
_OBJECTS = [lx.FOODS, lx.TOOLS, sorted({p for kinds in lx.PLACES.values() for ps in kinds.values() for p in ps})]


def _check_language(language):
    if not all(hasattr(language, name) for name in ("derivations", "encode", "vocabulary")):
        raise TypeError(f"language must be a sc.data.ToyLanguage, got {type(language).__name__}. "
                        f"Make one with sc.data.ToyLanguage().")
    return language


@functools.lru_cache(maxsize=4)
def _valid(size, seed, pronoun_bias):
    from sslcourse.data import ToyLanguage

    language = ToyLanguage(size, seed=seed, pronoun_bias=pronoun_bias)
    return frozenset(words for _, words, p in language.derivations() if p > 0)


def _is_sentence(language, words):
    return tuple(words) in _valid(language.size, language.seed, language.pronoun_bias)


def _check_sentence(sentence, name="sentence"):
    if isinstance(sentence, str) or not all(isinstance(w, str) for w in sentence):
        raise TypeError(f"{name} must be a list of words (str), got {sentence!r}. "
                        f"Split a string first: sentence.split().")
    return list(sentence)


def _candidates(kind, words, vocab):
    """Every sentence one error of ``kind`` makes from ``words`` (before checking it is broken)."""
    if kind == "order":
        return [words[:i] + [words[i + 1], words[i]] + words[i + 2:]
                for i in range(len(words) - 1) if words[i] != words[i + 1]]
    if kind == "agreement":
        return [words[:i] + [_OTHER_NUMBER[w]] + words[i + 1:] for i, w in enumerate(words)
                if w in _OTHER_NUMBER and _OTHER_NUMBER[w] in vocab]
    if kind == "meaning":
        last = words[-1] if words else None
        return [words[:-1] + [other] for group in _OBJECTS if last in group
                for other in group if other != last and other in vocab]
    raise ValueError(f"kind must be one of {KINDS[1:]}, got {kind!r}.")


def corrupt(language, sentence, kind, *, rng):
    """``sentence`` with one error of ``kind`` that the language never makes, or None if it has none.

    Parameters
    ----------
    language : sc.data.ToyLanguage
    sentence : list of str, a real sentence
    kind : {"order", "agreement", "meaning"}
    rng : numpy.random.Generator, picks among the possible errors
    """
    _check_language(language)
    words = _check_sentence(sentence)
    check_rng(rng)
    broken = [c for c in _candidates(kind, words, language.vocabulary.index) if not _is_sentence(language, c)]
    return broken[rng.integers(len(broken))] if broken else None


def possible_kinds(language, sentence):
    """The kinds of sentence this could be: "real" if the language makes it, and each error that,
    undone, gives a sentence of the language. One kind means the sentence alone names its kind."""
    _check_language(language)
    words = _check_sentence(sentence)
    if _is_sentence(language, words):
        return {"real"}  # every error makes a sentence the language never does
    # each error is its own inverse: swap back, flip the number back, swap the object back
    return {k for k in KINDS[1:] if any(_is_sentence(language, c) for c in _candidates(k, words, language.vocabulary.index))}


def error_dataset(language, per_kind, *, rng):
    """``per_kind`` sentences of each kind, shuffled: (list of sentences, int labels into ``KINDS``).

    Each broken sentence is made from its own freshly sampled real sentence.
    """
    _check_language(language)
    per_kind = check_int(per_kind, "per_kind", minimum=1)
    check_rng(rng)
    sentences, labels = [], []
    for label, kind in enumerate(KINDS):
        made = 0
        while made < per_kind:
            for real in language.sample(2 * (per_kind - made) + 8, rng=rng):
                example = real if kind == "real" else corrupt(language, real, kind, rng=rng)
                if example is not None and made < per_kind:
                    sentences.append(example)
                    labels.append(label)
                    made += 1
    order = rng.permutation(len(sentences))
    return [sentences[i] for i in order], np.array(labels)[order]


def surprisal_features(model, language, sentences):
    """How surprised a masked-word model is by each word: float (N, L), -log P(word | the rest).

    Each word is hidden in turn and scored by ``model`` (a torch masked-word model such as
    ``sc.nn_torch.ContextModel``); padding positions get 0. The row sum is the sentence's
    pseudo-log-likelihood, negated.
    """
    from sslcourse.train import predict_proba

    _check_language(language)
    if not callable(model) or not hasattr(model, "mask_id"):
        raise TypeError(f"model must be a torch masked-word model with .mask_id (sc.nn_torch.ContextModel), "
                        f"got {type(model).__name__}. Pretrain one with sc.train.train.")
    ids = language.encode([_check_sentence(s, "sentences[i]") for s in sentences], length=language.max_length)
    real = ids != language.vocabulary.pad_id
    out = np.zeros(ids.shape)
    for position in range(ids.shape[1]):
        hidden = np.zeros_like(real)
        hidden[:, position] = real[:, position]
        if hidden.any():
            probs = predict_proba(model, ids, hidden)  # (M, V), rows in np.nonzero(hidden) order
            rows = np.flatnonzero(hidden[:, position])
            out[rows, position] = -np.log(np.maximum(probs[np.arange(len(rows)), ids[rows, position]], 1e-12))
    return out


def bag_of_words(language, sentences):
    """Word counts of each sentence: float (N, V), the order of the words thrown away."""
    _check_language(language)
    ids = language.encode([_check_sentence(s, "sentences[i]") for s in sentences], length=language.max_length)
    counts = np.zeros((len(ids), len(language.vocab)))
    np.add.at(counts, (np.repeat(np.arange(len(ids)), ids.shape[1]), ids.ravel()), 1)
    counts[:, language.vocabulary.pad_id] = 0
    return counts
