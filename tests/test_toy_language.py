"""The toy language: sampling, the exact posterior, and the Bayes limit.

Oracles: a brute-force loop over every derivation of the generative process, and frequencies
counted on many samples.
"""
import numpy as np
import pytest

import sslcourse as sc
from sslcourse.data import MASK, ToyLanguage, bayes_limit


@pytest.fixture(scope="module")
def small():
    return ToyLanguage("small")


@pytest.fixture(scope="module")
def default():
    return ToyLanguage()


def brute_force_posterior(lang, words, position):
    """Loop over every derivation; keep those that agree with the visible words."""
    probs = np.zeros(len(lang.vocab))
    for _, derived, p in lang.derivations():
        if len(derived) == len(words) and all(w == MASK or w == d for w, d in zip(words, derived)):
            probs[lang.vocabulary.index[derived[position]]] += p
    return probs / probs.sum()


def test_vocabulary_size_and_specials(default):
    assert 60 <= len(default.vocab) <= 200
    assert default.vocab[:3] == ["<pad>", "<mask>", "<unk>"]
    assert len(set(default.vocab)) == len(default.vocab)
    assert set(default.categories) == set(default.vocab[3:])


def test_probabilities_of_all_sentences_sum_to_one(small):
    assert sum(joint.sum() for _, joint in small.table.values()) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("words, position", [
    ("the <mask> eats some bread", 1),
    ("<mask> dog <mask> to the <mask>", 2),
    ("the <mask> uses <mask> knife", 3),
    ("<mask> <mask> <mask> <mask> <mask>", 4),
    ("the hungry <mask> <mask> the fish", 2),
])
def test_posterior_equals_brute_force_enumeration(small, words, position):
    words = words.split()
    post = small.posterior(words, position)
    assert post.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(post, brute_force_posterior(small, words, position), atol=1e-12)


def test_posterior_gives_zero_to_special_tokens(default):
    post = default.posterior(["the", "dog", "eats", "the", MASK], 4)
    assert post[:3].sum() == 0.0
    assert post.sum() == pytest.approx(1.0)


def test_posterior_agrees_with_sample_frequencies(small):
    rng = np.random.default_rng(1)
    sentences = small.sample(20000, rng=rng)
    pattern = ["the", MASK, MASK, MASK, MASK]
    matching = [s for s in sentences if len(s) == 5 and s[0] == "the"]
    counts = np.bincount([small.vocabulary.index[s[1]] for s in matching], minlength=len(small.vocab))
    post = small.posterior(pattern, 1)
    freq = counts / counts.sum()
    sigma = np.sqrt(post * (1 - post) / counts.sum())
    assert np.all(np.abs(freq - post) <= 5 * sigma + 1e-12)
    assert counts.sum() > 500


def test_sentence_probabilities_agree_with_sample_frequencies(small):
    rng = np.random.default_rng(2)
    sentences = [" ".join(s) for s in small.sample(20000, rng=rng)]
    common = max(set(sentences), key=sentences.count)
    p = small.probability(common.split())
    assert sentences.count(common) / len(sentences) == pytest.approx(p, abs=5 * np.sqrt(p / len(sentences)))


def test_sampling_is_deterministic_by_seed_and_seeds_differ(default):
    a = default.sample(50, rng=np.random.default_rng(7))
    b = default.sample(50, rng=np.random.default_rng(7))
    c = default.sample(50, rng=np.random.default_rng(8))
    assert a == b
    assert a != c


def test_sentences_are_readable_and_agree_in_number(default):
    for s in default.sample(300, rng=np.random.default_rng(3)):
        assert 5 <= len(s) <= default.max_length
        noun = next(w for w in s[1:] if default.categories[w] in ("animal", "person"))
        verb = next(w for w in s if default.categories[w] == "verb")
        plural = noun not in default.animals + default.people or noun == "sheep" and s[0] == "some"
        if noun != "sheep":
            assert verb.endswith("s") != plural, " ".join(s)


def test_language_seed_changes_preferences_not_words():
    a, b = ToyLanguage(seed=0), ToyLanguage(seed=1)
    assert a.vocab == b.vocab
    words = ["the", "dog", "eats", "the", MASK]
    assert not np.allclose(a.posterior(words, 4), b.posterior(words, 4))


def test_bayes_limit_is_well_below_one_and_well_above_the_most_frequent_word(default):
    limit = bayes_limit(default)
    most_frequent = 0.0
    the = default.vocabulary.index["the"]
    for length, (rows, joint) in default.table.items():
        most_frequent += (joint.sum(axis=1)[:, None] * (rows == the)).sum() / length
    assert 0.4 < limit.accuracy < 0.8
    assert limit.accuracy > most_frequent + 0.2
    assert 0 < limit.cross_entropy < np.log(len(default.vocab))


def test_bayes_limit_equals_the_mean_best_posterior_on_sampled_tasks(small):
    task = sc.tasks.make_fill_in_task(small, 3000, rng=np.random.default_rng(4))
    best = task.bayes.max(axis=1)
    assert best.mean() == pytest.approx(bayes_limit(small).accuracy, abs=4 * best.std() / np.sqrt(len(best)))
    ce = -np.log(task.bayes[np.arange(len(best)), task.targets])
    assert ce.mean() == pytest.approx(bayes_limit(small).cross_entropy, abs=4 * ce.std() / np.sqrt(len(ce)))


def test_pronoun_bias_sets_the_pronoun_rate():
    words = ["the", "doctor", "finds", MASK, "pen"]
    vocab_index = ToyLanguage().vocabulary.index
    for bias in (0.0, 0.5, 1.0):
        post = ToyLanguage(pronoun_bias=bias).posterior(words, 3)
        assert post[vocab_index["his"]] == pytest.approx((1 + bias) / 2)
    nurse = ToyLanguage(pronoun_bias=0.6).posterior(["the", "nurse", "finds", MASK, "needle"], 3)
    assert nurse[vocab_index["her"]] == pytest.approx(0.8)


def test_topic_posterior_is_a_distribution_over_topics(default):
    post = default.topic_posterior(["the", "cow", "walks", "to", "the", "barn"])
    assert post.shape == (3,) and post.sum() == pytest.approx(1.0)
    assert default.topics[int(post.argmax())] == "farm"


def test_encode_decode_round_trip(default):
    sentences = default.sample(5, rng=np.random.default_rng(0))
    ids = default.encode(sentences)
    assert ids.dtype == np.int64 and ids.shape == (5, max(map(len, sentences)))
    assert default.decode(ids) == sentences


@pytest.mark.parametrize("words, position, error, match", [
    ("the dog eats the <mask>", 5, ValueError, r"position must be in \[0, 5\) for a sentence of 5 words, got 5"),
    ("the dog eats the bread", 4, ValueError, r"position 4 must point at a hidden word, but words\[4\] is 'bread'"),
    ("the dgo eats the <mask>", 4, ValueError, r"'dgo', which is not in the vocabulary"),
    ("the dog eats <mask>", 3, ValueError, r"has 4 words, but the language only makes sentences of \[5, 6, 7\]"),
    ("dog the eats the <mask>", 4, ValueError, r"never makes a sentence like 'dog the eats the <mask>'"),
    ("the dog eats the <mask>", 4.0, TypeError, r"position must be an int, got float"),
])
def test_posterior_rejects_bad_input_with_a_clear_message(default, words, position, error, match):
    with pytest.raises(error, match=match):
        default.posterior(words.split(), position)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(size="huge"), ValueError, r"size must be one of \['default', 'large', 'small'\], got 'huge'"),
    (dict(pronoun_bias=1.5), ValueError, r"pronoun_bias must lie in \[0.0, 1.0\], got 1.5"),
    (dict(seed=-2), ValueError, r"seed must be at least 0"),
])
def test_constructor_rejects_bad_knobs(kwargs, error, match):
    with pytest.raises(error, match=match):
        ToyLanguage(**kwargs)


def test_sample_rejects_a_missing_generator(default):
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator, got int"):
        default.sample(3, rng=0)


def test_the_rules_table_examples_are_sentences_of_the_language(default):
    import re

    examples = re.findall(r"\*([a-z ]+)\*", sc.data.rules_table(default))
    assert len(examples) == 5
    for example in examples:
        assert default.probability(example.split()) > 0, example
