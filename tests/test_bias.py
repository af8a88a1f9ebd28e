"""sc.bias: the pronoun knob, its rate in data, posterior and model, and the counterfactual swap."""
import numpy as np
import pytest
import torch
from torch import nn

import sslcourse as sc
from sslcourse import bias


@pytest.mark.parametrize("b", [0.0, 0.4, 1.0])
def test_exact_rate_is_the_knob(b):
    language = sc.data.ToyLanguage("small", pronoun_bias=b)
    his_jobs, her_jobs = bias.split_jobs(language)
    assert bias.exact_pronoun_rate(language, his_jobs) == pytest.approx(bias.his_share(b, his_job=True))
    assert bias.exact_pronoun_rate(language, her_jobs) == pytest.approx(bias.his_share(b, his_job=False))


def test_split_jobs():
    his, her = bias.split_jobs(sc.data.ToyLanguage())
    assert his == ["farmer", "doctor", "painter", "pilot"]
    assert her == ["chef", "nurse", "teacher", "baker"]


@pytest.mark.parametrize("bad", [1.5, -0.1])
def test_bias_knob_out_of_range(bad):
    message = rf"pronoun_bias must lie in \[0.0, 1.0\], got {bad}. Pick a value inside that interval."
    with pytest.raises(ValueError, match=message):
        bias.his_share(bad, his_job=True)
    with pytest.raises(ValueError, match=message):
        sc.data.ToyLanguage("small", pronoun_bias=bad)


def test_bias_knob_must_be_a_number():
    with pytest.raises(TypeError, match="pronoun_bias must be a number, got str 'high'"):
        bias.his_share("high", his_job=True)


def test_pronoun_rate_counts_his_among_the_pronouns_of_the_jobs():
    sentences = [["the", "doctor", "finds", "his", "pen"], ["a", "doctor", "loses", "her", "book"],
                 ["the", "doctor", "finds", "his", "book"], ["the", "doctor", "eats", "the", "fish"],
                 ["the", "nurse", "finds", "her", "needle"]]
    assert bias.pronoun_rate(sentences, ["doctor"]) == pytest.approx(2 / 3)
    assert bias.pronoun_rate(sentences, ["nurse"]) == 0.0
    assert bias.pronoun_rate(sentences, ["doctor", "nurse"]) == pytest.approx(0.5)


def test_pronoun_rate_errors():
    with pytest.raises(ValueError, match=r"no sentence has both a pronoun and one of the jobs \['pilot'\]"):
        bias.pronoun_rate([["the", "doctor", "finds", "his", "pen"]], ["pilot"])
    with pytest.raises(TypeError, match="jobs must be a non-empty list of job words"):
        bias.pronoun_rate([["the", "doctor", "finds", "his", "pen"]], "doctor")


def test_swap_pronouns_swaps_whole_words_both_ways():
    sentence = ["the", "teacher", "finds", "her", "book"]
    assert bias.swap_pronouns(sentence) == ["the", "teacher", "finds", "his", "book"]
    assert bias.swap_pronouns(["his", "her", "his"]) == ["her", "his", "her"]
    assert sentence == ["the", "teacher", "finds", "her", "book"]  # a new list; the input is kept
    with pytest.raises(TypeError, match="sentence must be a list of words, got the string"):
        bias.swap_pronouns("the doctor finds his pen")


def test_counterfactual_augment_balances_every_job():
    language = sc.data.ToyLanguage("small", pronoun_bias=1.0)
    corpus = language.sample(500, rng=np.random.default_rng(0))
    augmented = bias.counterfactual_augment(corpus)
    with_pronoun = sum(any(w in ("his", "her") for w in s) for s in corpus)
    assert len(augmented) == len(corpus) + with_pronoun and augmented[: len(corpus)] == corpus
    for jobs in bias.split_jobs(language):
        assert bias.pronoun_rate(corpus, jobs) in (0.0, 1.0)
        assert bias.pronoun_rate(augmented, jobs) == 0.5


class _FixedModel(nn.Module):
    """Predicts 'his' three times as likely as 'her' everywhere."""

    def __init__(self, language):
        super().__init__()
        self.mask_id, self.vocab_size = language.vocabulary.mask_id, len(language.vocab)
        logits = torch.zeros(self.vocab_size)
        logits[language.vocabulary.index["his"]] = np.log(3.0)
        self.logits = nn.Parameter(logits)

    def forward(self, ids):
        return self.logits.expand(*ids.shape, -1)


def test_model_rate_reads_his_over_his_plus_her():
    language = sc.data.ToyLanguage("small")
    model = _FixedModel(language)
    his_jobs, her_jobs = bias.split_jobs(language)
    assert bias.model_pronoun_rate(model, language, his_jobs) == pytest.approx(0.75)
    report = bias.bias_report(model, language, language.sample(300, rng=np.random.default_rng(0)))
    assert report.model == pytest.approx((0.75, 0.75)) and report.exact == pytest.approx((0.5, 0.5))
    assert repr(report).startswith("BiasReport(share of 'his' after his-jobs/her-jobs: exact 0.50/0.50")


def test_pronoun_contexts_hide_the_pronoun():
    language = sc.data.ToyLanguage("small")
    ids, mask = bias.pronoun_contexts(language, ["doctor"])
    assert ids.shape == (9, language.max_length) and mask.sum() == 9 and mask[:, 3].all()
    assert (ids[:, 3] == language.vocabulary.index["his"]).all()
    with pytest.raises(ValueError, match="holds no job of this language"):
        bias.pronoun_contexts(language, ["astronaut"])
