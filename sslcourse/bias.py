"""Bias in, bias out: measuring a pronoun skew in data and in a model, and changing the data (notebook 08).

In the toy language, "own" sentences pair a job with a pronoun: *the doctor finds his pen*.
The knob ``ToyLanguage(pronoun_bias=b)`` gives the favoured pronoun of each job (``his`` for
the jobs of ``lexicon.HIS_JOBS``, ``her`` for the others) probability ``(1 + b) / 2``. Here we
read that rate in the data, in the exact posterior, and in a trained masked model, and
build the counterfactual copies of Zhao et al. (2018) that cancel it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_bool, check_language, check_ratio, check_sentences, check_words
from .data import MASK
from .data.lexicon import HIS_JOBS, PRONOUNS, USES, VERBS

__all__ = ["BiasReport", "bias_report", "counterfactual_augment", "exact_pronoun_rate", "his_share",
           "model_pronoun_rate", "pronoun_contexts", "pronoun_rate", "split_jobs", "swap_pronouns"]

SWAP = {"his": "her", "her": "his"}
CONTEXT = ("the", "{job}", "{verb}", "{pronoun}", "{tool}")  # the "own" sentences, singular, no adjective
PRONOUN_AT = CONTEXT.index("{pronoun}")  # the position hidden in pronoun_contexts


def his_share(pronoun_bias, *, his_job):
    """The share of "his" that the knob sets: ``(1 + b) / 2`` after a job of ``HIS_JOBS``, else ``(1 - b) / 2``."""
    b = check_ratio(pronoun_bias, "pronoun_bias", inclusive=(True, True))
    his_job = check_bool(his_job, "his_job")
    return (1 + b) / 2 if his_job else (1 - b) / 2


def split_jobs(language):
    """The language's jobs in two lists: those the knob pairs with "his", and the others (with "her")."""
    his = [job for job in check_language(language).people if job in HIS_JOBS]
    return his, [job for job in language.people if job not in HIS_JOBS]


def _check_jobs(jobs):
    if isinstance(jobs, str) or not isinstance(jobs, (list, tuple, set)) or not jobs \
            or not all(isinstance(j, str) for j in jobs):
        raise TypeError(f"jobs must be a non-empty list of job words like ['doctor', 'pilot'], got {jobs!r}. "
                        f"Get them with sc.bias.split_jobs(language).")
    return set(jobs)


def pronoun_rate(sentences, jobs):
    """The share of "his" among the pronouns of the sentences whose subject is one of ``jobs``.

    Parameters
    ----------
    sentences : list of list of str
    jobs : list of str, singular job words ("doctor")

    Returns
    -------
    float in [0, 1]
    """
    jobs = _check_jobs(jobs)
    sentences = check_sentences(sentences)
    pronouns = [w for s in sentences if jobs.intersection(s) for w in s if w in SWAP]
    if not pronouns:
        raise ValueError(f"no sentence has both a pronoun and one of the jobs {sorted(jobs)}: nothing to "
                         f"measure. Give more sentences (about 1 in 10 has a pronoun).")
    return float(np.mean([w == "his" for w in pronouns]))


def pronoun_contexts(language, jobs):
    """Every "the JOB VERB <mask> TOOL" sentence: the pronoun hidden after a job word.

    Returns
    -------
    ids : int ndarray (M, L), the sentences with "his" at the hidden position, padded to ``language.max_length``
    mask : bool ndarray (M, L), True at the hidden pronoun
    """
    check_language(language)
    jobs, sentences = _check_jobs(jobs), []
    for job in [j for j in language.people if j in jobs]:
        sentences += [[w.format(job=job, verb=verb, pronoun="his", tool=tool) for w in CONTEXT]
                      for verb in VERBS["own"] for tool in USES[job]]
    if not sentences:
        raise ValueError(f"jobs {sorted(jobs)} holds no job of this language; its jobs are {language.people}.")
    ids = language.encode(sentences, length=language.max_length)
    mask = np.zeros(ids.shape, dtype=bool)
    mask[:, PRONOUN_AT] = True
    return ids, mask


def exact_pronoun_rate(language, jobs):
    """P("his") at the hidden pronoun of ``pronoun_contexts``, from the exact posterior, averaged."""
    ids, mask = pronoun_contexts(language, jobs)
    his = language.vocabulary.index["his"]
    rates = []
    for sentence in language.decode(ids):
        sentence[PRONOUN_AT] = MASK
        rates.append(language.posterior(sentence, PRONOUN_AT)[his])
    return float(np.mean(rates))


def model_pronoun_rate(model, language, jobs):
    """A masked model's share of "his", P(his) / (P(his) + P(her)), at the hidden pronoun, averaged.

    Parameters
    ----------
    model : torch masked-word model (``sc.nn_torch.TransformerEncoder``, ...) trained on ``language``
    language : ToyLanguage
    jobs : list of str
    """
    from .nn_torch.checks import check_masked_model  # torch only here: the corpus measures load none
    from .train import predict_proba

    check_masked_model(model, attrs=("mask_id",))
    ids, mask = pronoun_contexts(language, jobs)
    probs = predict_proba(model, ids, mask)  # (M, V)
    his, her = (language.vocabulary.index[w] for w in PRONOUNS)
    return float(np.mean(probs[:, his] / (probs[:, his] + probs[:, her])))


def swap_pronouns(sentence):
    """The counterfactual sentence: "his" and "her" exchanged, every other word kept (a new list)."""
    return [SWAP.get(w, w) for w in check_words(sentence, "sentence", allow_empty=True)]


def counterfactual_augment(sentences):
    """The sentences plus a pronoun-swapped copy of each one that has a pronoun (Zhao et al., 2018)."""
    sentences = check_sentences(sentences)
    return list(sentences) + [swap_pronouns(s) for s in sentences if any(w in SWAP for w in s)]


@dataclass(frozen=True)
class BiasReport:
    """The share of "his" after the his-jobs and after the her-jobs, as (his_jobs, her_jobs) pairs.

    Attributes
    ----------
    exact : the language's exact posterior (what the data is drawn from)
    corpus : counted in the training sentences
    model : the trained model's prediction
    """

    exact: tuple
    corpus: tuple
    model: tuple

    def __repr__(self):
        parts = ", ".join(f"{name} {his:.2f}/{her:.2f}" for name, (his, her) in
                          (("exact", self.exact), ("corpus", self.corpus), ("model", self.model)))
        return f"BiasReport(share of 'his' after his-jobs/her-jobs: {parts})"


def bias_report(model, language, sentences):
    """Measure the share of "his" in the language, in ``sentences`` and in ``model`` (trained on them)."""
    from .nn_torch.checks import check_masked_model

    check_masked_model(model, attrs=("mask_id",))
    sentences = check_sentences(sentences)
    groups = split_jobs(language)
    return BiasReport(tuple(exact_pronoun_rate(language, g) for g in groups),
                      tuple(pronoun_rate(sentences, g) for g in groups),
                      tuple(model_pronoun_rate(model, language, g) for g in groups))
