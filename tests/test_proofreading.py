"""Name the error (sc.proofreading): every broken sentence is broken, its kind is determined, features are right."""
from collections import Counter

import numpy as np
import pytest
import torch

import sslcourse as sc
from sslcourse import proofreading


@pytest.fixture(scope="module")
def language():
    return sc.data.ToyLanguage()


@pytest.fixture(scope="module")
def reals(language):
    return language.sample(60, rng=np.random.default_rng(0))


@pytest.mark.parametrize("kind", proofreading.KINDS[1:])
def test_corrupt_breaks_the_sentence_in_the_named_way(language, reals, kind):
    rng = np.random.default_rng(1)
    made = 0
    for real in reals:
        broken = proofreading.corrupt(language, real, kind, rng=rng)
        if broken is None:
            continue
        made += 1
        assert language.probability(broken) == 0.0, (real, broken)
        assert len(broken) == len(real)
        changed = [i for i, (a, b) in enumerate(zip(real, broken)) if a != b]
        if kind == "order":
            assert Counter(broken) == Counter(real) and len(changed) == 2 and changed[1] == changed[0] + 1
        elif kind == "agreement":
            pairs = {frozenset(p) for forms in sc.data.lexicon.VERBS.values() for p in forms.items()}
            assert len(changed) == 1 and frozenset((real[changed[0]], broken[changed[0]])) in pairs
        else:
            assert changed == [len(real) - 1]
        assert kind in proofreading.possible_kinds(language, broken)
    assert made >= 20, f"only {made} of 60 sentences could be broken by {kind}"


def test_a_real_sentence_is_only_real(language, reals):
    for real in reals:
        assert proofreading.possible_kinds(language, real) == {"real"}


def test_the_kind_is_determined_by_the_sentence(language):
    sentences, kinds = proofreading.error_dataset(language, 50, rng=np.random.default_rng(2))
    for sentence, kind in zip(sentences, kinds):
        assert proofreading.possible_kinds(language, sentence) == {proofreading.KINDS[kind]}, sentence


def test_error_dataset_is_balanced_and_seeded(language):
    a, ya = proofreading.error_dataset(language, 30, rng=np.random.default_rng(3))
    b, yb = proofreading.error_dataset(language, 30, rng=np.random.default_rng(3))
    assert a == b and np.array_equal(ya, yb)
    assert np.bincount(ya).tolist() == [30] * 4 and ya.dtype.kind == "i"


def test_surprisal_is_minus_log_p_of_each_hidden_word(language):
    model = sc.nn_torch.ContextModel(len(language.vocab), language.max_length, dim=8, hidden=16,
                                     generator=torch.Generator().manual_seed(0))
    sentences = language.sample(5, rng=np.random.default_rng(4))
    features = proofreading.surprisal_features(model, language, sentences)
    assert features.shape == (5, language.max_length)
    ids = language.encode(sentences, length=language.max_length)
    real = ids != language.vocabulary.pad_id
    assert np.all(features[~real] == 0) and np.all(features[real] > 0)
    n, t = 2, 1  # one entry by hand
    hidden = np.zeros_like(real)
    hidden[n, t] = True
    p = sc.train.predict_proba(model, ids, hidden)[0, ids[n, t]]
    assert features[n, t] == pytest.approx(-np.log(p), rel=1e-9)


def test_bag_of_words_counts_the_words(language):
    sentences = [["the", "dog", "eats", "the", "bread"], ["a", "cat", "runs", "to", "the", "park"]]
    bags = proofreading.bag_of_words(language, sentences)
    assert bags.sum(axis=1).tolist() == [5, 6]
    assert bags[0, language.vocabulary.index["the"]] == 2
    assert bags[:, language.vocabulary.pad_id].sum() == 0


def test_bad_input_is_named(language):
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="language"):
        proofreading.corrupt(None, ["the", "dog", "runs"], "order", rng=rng)
    with pytest.raises(ValueError, match="kind"):
        proofreading.corrupt(language, ["the", "dog", "runs"], "spelling", rng=rng)
    with pytest.raises(TypeError, match="sentence"):
        proofreading.possible_kinds(language, "the dog runs")
    with pytest.raises(ValueError, match="per_kind"):
        proofreading.error_dataset(language, 0, rng=rng)
    with pytest.raises(TypeError, match="model"):
        proofreading.surprisal_features(object(), language, [["the", "dog", "runs"]])
