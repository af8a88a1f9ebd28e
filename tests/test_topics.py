"""sc.topics: the exact topic limit, topic words, probes and fine-tuning of a ContextModel."""
from collections import defaultdict

import numpy as np
import pytest
import torch

import sslcourse as sc
from sslcourse import topics


@pytest.fixture(scope="module")
def small():
    return sc.data.ToyLanguage("small")


@pytest.fixture(scope="module")
def body(small):
    return sc.nn_torch.ContextModel(len(small.vocab), small.max_length, dim=4, hidden=8,
                                    generator=torch.Generator().manual_seed(0))


def test_topic_limit_matches_enumeration(small):
    joint = defaultdict(lambda: np.zeros(len(small.topics)))
    for topic, words, p in small.derivations():
        joint[words][small.topics.index(topic)] += p
    assert topics.topic_limit(small) == pytest.approx(sum(j.max() for j in joint.values()), rel=1e-9)


def test_topic_posteriors_match_one_by_one(small):
    sentences = small.sample(30, rng=np.random.default_rng(0))
    post = topics.topic_posteriors(small, small.encode(sentences, length=small.max_length))
    for row, sentence in zip(post, sentences):
        np.testing.assert_allclose(row, small.topic_posterior(sentence), atol=1e-12)


def test_topic_posteriors_reject_sentences_the_language_never_makes(small):
    ids = small.encode([["the", "dog", "eats", "the", "dog"]], length=small.max_length)
    with pytest.raises(ValueError, match="ids holds a sentence the language never makes: 'the dog eats the dog'"):
        topics.topic_posteriors(small, ids)


def test_one_sampler_draws_topics_by_index_or_by_name_alike():
    labels = np.array([0, 1, 2] * 5)
    pick = sc.evaluation.sample_per_class(labels, 2, rng=np.random.default_rng(0))
    assert np.bincount(labels[pick]).tolist() == [2, 2, 2] and len(set(pick)) == 6
    names = [["farm", "home", "town"][i] for i in labels]  # sorted names: the same classes in the same order
    assert np.array_equal(sc.evaluation.sample_per_class(names, 2, rng=np.random.default_rng(0)), pick)
    with pytest.raises(ValueError, match="k must be at most the size of the smallest class, 5 items"):
        sc.evaluation.sample_per_class(labels, 6, rng=np.random.default_rng(0))


def test_topic_words_are_words_of_the_language():
    language = sc.data.ToyLanguage()
    lists = topics.topic_words(language)
    assert len(lists) == 3 and all(w in language.vocab for words in lists for w in words)
    assert "hospital" in lists[1] and "kitchen" in lists[2] and "river" not in sum(lists, [])


def test_hidden_features_and_the_classifier(small, body):
    ids = small.encode(small.sample(5, rng=np.random.default_rng(0)), length=small.max_length)
    assert topics.hidden_features(body, ids).shape == (5, 8)
    clf = topics.TopicClassifier(body, 3, generator=torch.Generator().manual_seed(0))
    assert clf(torch.from_numpy(ids)).shape == (5, 3)
    with pytest.raises(TypeError, match="model must be a sc.nn_torch.ContextModel, got TopicClassifier"):
        topics.hidden_features(clf, ids)
    with pytest.raises(ValueError, match="ids must have exactly 7 positions"):
        topics.hidden_features(body, ids[:, :5])


@pytest.mark.parametrize("freeze", [True, False])
def test_fine_tune_leaves_the_pretrained_model_alone(small, body, freeze):
    sentences, labels = small.sample(30, rng=np.random.default_rng(0), return_topics=True)
    ids = small.encode(sentences, length=small.max_length)
    y = np.array([small.topics.index(t) for t in labels])
    before = {k: v.clone() for k, v in body.state_dict().items()}
    clf = topics.train_topic_classifier(body, ids, y, n_topics=3, steps=20, lr=1e-2, freeze=freeze,
                           generator=torch.Generator().manual_seed(0))
    for k, v in body.state_dict().items():
        torch.testing.assert_close(v, before[k])
    body_moved = any(not torch.equal(v, before[k]) for k, v in clf.body.state_dict().items())
    assert body_moved != freeze
    assert topics.predict_topics(clf, ids).shape == (30,)
    with pytest.raises(ValueError, match="labels must have one topic per sentence of ids"):
        topics.train_topic_classifier(body, ids, y[:5], n_topics=3, generator=torch.Generator())


def test_zero_shot_topics(small, body):
    ids = small.encode(small.sample(10, rng=np.random.default_rng(0)), length=small.max_length)
    guess = topics.zero_shot_topics(body, small, ids)
    assert guess.shape == (10,) and set(guess) <= {0, 1, 2}
