"""The fill-in-the-blank task, its scoring, and the count baselines."""
import numpy as np
import pytest

import sslcourse as sc
from sslcourse.baselines import NeighbourCounts, UnigramCounts, uniform_guess


@pytest.fixture(scope="module")
def lang():
    return sc.data.ToyLanguage()


@pytest.fixture(scope="module")
def task(lang):
    return sc.tasks.make_fill_in_task(lang, 400, rng=np.random.default_rng(0))


def test_task_hides_exactly_one_real_word_per_sentence(task, lang):
    assert task.mask.dtype == bool and (task.mask.sum(axis=1) == 1).all()
    assert (task.ids[task.mask] >= lang.vocabulary.n_special).all()
    assert (task.inputs[task.mask] == lang.vocabulary.mask_id).all()
    assert np.allclose(task.bayes.sum(axis=1), 1.0)
    assert repr(task) == "FillInTask(400 sentences of up to 7 words, one hidden word each)"


def test_task_is_deterministic_by_seed(lang):
    a = sc.tasks.make_fill_in_task(lang, 50, rng=np.random.default_rng(5))
    b = sc.tasks.make_fill_in_task(lang, 50, rng=np.random.default_rng(5))
    assert (a.ids == b.ids).all() and (a.mask == b.mask).all()


def test_score_of_a_perfect_and_a_uniform_prediction(task, lang):
    V = len(lang.vocab)
    perfect = np.eye(V)[task.targets]
    assert sc.tasks.score(perfect, task.targets).accuracy == 1.0
    uniform = sc.tasks.score(uniform_guess(task, V), task.targets)
    assert uniform.cross_entropy == pytest.approx(np.log(V - 3))


def test_baselines_sit_between_guessing_and_the_bayes_limit(task, lang):
    train = lang.encode(lang.sample(3000, rng=np.random.default_rng(1)))
    bayes = sc.tasks.bayes_score(task)
    unigram = sc.tasks.score(UnigramCounts(len(lang.vocab)).fit(train).predict_proba(task.inputs, task.mask), task.targets)
    counts = sc.tasks.score(NeighbourCounts(len(lang.vocab)).fit(train).predict_proba(task.inputs, task.mask), task.targets)
    assert 0.1 < unigram.accuracy < counts.accuracy < bayes.accuracy
    assert bayes.cross_entropy < counts.cross_entropy < unigram.cross_entropy


def test_score_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="probs has 2 rows but targets has 3"):
        sc.tasks.score(np.ones((2, 4)) / 4, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="probs must have a float dtype"):
        sc.tasks.score(np.ones((2, 4), dtype=int), np.array([0, 1]))
