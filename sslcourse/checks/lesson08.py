"""Checkers for the exercises of lesson 08 (pitfalls): the counterfactual swap, augmentation, the pronoun rate."""
from __future__ import annotations

from .. import bias
from ._core import Case, Mistake, check_function, run_experiment

__all__ = ["check_bias_sweep", "check_counterfactual_augment", "check_pronoun_rate", "check_swap_pronouns"]

_OWN = [["the", "doctor", "finds", "his", "pen"], ["a", "teacher", "loses", "her", "book"],
        ["the", "doctor", "cleans", "her", "book"], ["the", "doctor", "eats", "the", "fish"],
        ["a", "tired", "pilot", "finds", "his", "map"], ["the", "teachers", "want", "some", "cake"]]


def _one_way(sentence):
    return [("her" if w == "his" else w) for w in sentence]


def _replace_in_turn(sentence):
    return " ".join(sentence).replace("his", "her").replace("her", "his").split()


def _replace_pieces(sentence):
    return " ".join(sentence).replace("his", "@").replace("her", "his").replace("@", "her").split()


def _swap_one_only(sentence):
    out = list(sentence)
    for i, w in enumerate(out):
        if w in ("his", "her"):
            out[i] = {"his": "her", "her": "his"}[w]
            break
    return out


def _swap_drops_others(sentence):
    return [{"his": "her", "her": "his"}[w] for w in sentence if w in ("his", "her")]


def check_swap_pronouns(swap_pronouns):
    """Check ``swap_pronouns(sentence) -> list of str`` against ``sc.bias.swap_pronouns``."""
    cases = [Case("the doctor finds his pen", (_OWN[0],)),
             Case("a teacher loses her book", (_OWN[1],)),
             Case("a sentence with no pronoun", (["the", "cow", "eats", "the", "hay"],)),
             Case("the words his her his", (["his", "her", "his"],))]
    mistakes = [
        Mistake(_one_way, "swap both ways: 'her' must become 'his' too.",
                "Two words are exchanged, each for the other."),
        Mistake(_replace_pieces, "swap whole words, not pieces of text: 'teacher' contains 'her'.",
                "The sentence is already a list of words: look at each word of the list."),
        Mistake(_replace_in_turn, "replacing one word and then the other turns every pronoun into the same "
                "one.", "Decide each word once, in a single pass."),
        Mistake(_swap_one_only, "only the first pronoun was swapped: swap every one.",
                "Do not stop at the first match."),
        Mistake(_swap_drops_others, "the other words were dropped: the result has the sentence's length, "
                "with every other word unchanged.", "Keep every word; change only the pronouns."),
    ]
    return check_function("swap_pronouns", swap_pronouns, bias.swap_pronouns, cases, mistakes=mistakes,
                          hint="the counterfactual sentence: the same words, with the two pronouns exchanged, "
                               "as a new list (the original must stay as it was).",
                          more="Build a new list word by word.")


def check_counterfactual_augment(counterfactual_augment):
    """Check ``counterfactual_augment(sentences) -> list`` against ``sc.bias.counterfactual_augment``."""
    cases = [Case("six sentences, four with a pronoun", (_OWN,)),
             Case("one sentence with 'his'", ([_OWN[0]],)),
             Case("two sentences without a pronoun", ([_OWN[3], _OWN[5]],))]
    swap = bias.swap_pronouns
    mistakes = [
        Mistake(lambda ss: [swap(s) for s in ss if "his" in s or "her" in s],
                "keep the original sentences too: the augmented corpus is the corpus plus the swapped copies.",
                "The originals come first, unchanged."),
        Mistake(lambda ss: [swap(s) for s in ss],
                "the originals were replaced by their copies: add the copies after the originals.",
                "The result is longer than the corpus."),
        Mistake(lambda ss: list(ss) + [swap(s) for s in ss],
                "add a copy only of the sentences that have a pronoun: a copy of the others is a duplicate.",
                "Test each sentence for a pronoun before copying it."),
        Mistake(lambda ss: [t for s in ss for t in ([s, swap(s)] if "his" in s or "her" in s else [s])],
                "each copy sits right after its original: the docstring puts all the originals first, then "
                "the copies.", "Two passes over the sentences, or one list of copies added at the end."),
        Mistake(lambda ss: list(ss) + [swap(s) for s in ss if "his" in s],
                "only sentences with 'his' were copied: those with 'her' need their counterfactual too.",
                "Both pronouns count."),
    ]
    return check_function("counterfactual_augment", counterfactual_augment, bias.counterfactual_augment,
                          cases, mistakes=mistakes,
                          hint="counterfactual data augmentation: the corpus, then a pronoun-swapped copy of "
                               "each sentence that has a pronoun.",
                          more="Use your swap_pronouns; return a new list and leave the corpus as it was.")


def _rate_all_words(sentences, jobs):
    hits = [w for s in sentences if set(jobs) & set(s) for w in s]
    return sum(w == "his" for w in hits) / len(hits)


def _over_job_sentences(sentences, jobs):
    hits = [s for s in sentences if set(jobs) & set(s)]
    return sum("his" in s for s in hits) / len(hits)


def _all_jobs(sentences, jobs):
    pronouns = [w for s in sentences for w in s if w in ("his", "her")]
    return sum(w == "his" for w in pronouns) / len(pronouns)


def _her_share(sentences, jobs):
    return 1 - bias.pronoun_rate(sentences, jobs)


def _rate_count(sentences, jobs):
    return sum(w == "his" for s in sentences if set(jobs) & set(s) for w in s)


def check_pronoun_rate(pronoun_rate):
    """Check ``pronoun_rate(sentences, jobs) -> float`` against ``sc.bias.pronoun_rate``."""
    few = [_OWN[0], _OWN[3], ["a", "nurse", "loses", "her", "needle"], ["the", "nurse", "finds", "her", "bucket"]]
    cases = [Case("two doctor sentences (one with a pronoun) and two nurse sentences", (few, ["doctor"])),
             Case("all six sentences, jobs ['doctor']", (_OWN, ["doctor"])),
             Case("all six sentences, jobs ['teacher', 'pilot']", (_OWN, ["teacher", "pilot"]))]
    mistakes = [
        Mistake(_over_job_sentences, "the share is taken over the job sentences: a doctor who eats fish "
                "says nothing about 'his' or 'her'.", "Divide by the number of pronouns found."),
        Mistake(_all_jobs, "every pronoun of the corpus was counted: only sentences with one of the jobs "
                "count.", "Test each sentence for one of the job words first."),
        Mistake(_her_share, "that is the share of 'her'; the question asks for the share of 'his'.",
                "Count the other pronoun."),
        Mistake(_rate_count, "that is a count of 'his', not a share: a share lies between 0 and 1.",
                "Divide by the number of pronouns counted."),
        Mistake(_rate_all_words, "the share is over every word of the job sentences: it is over their "
                "pronouns only.", "Keep only the words 'his' and 'her' before dividing."),
    ]
    return check_function("pronoun_rate", pronoun_rate, bias.pronoun_rate, cases, mistakes=mistakes,
                          hint="the bias measure of lesson 08: among the pronouns that come with the given "
                               "jobs, the share that is 'his', a float between 0 and 1.",
                          more="Two counts: the 'his' and all the pronouns, both within the sentences that "
                               "hold a job word.")


# ---- bias_sweep (an experiment): the knob of the data against the rate measured in it
BIASES = (0.0, 0.25, 0.5, 0.75, 1.0)


def _bias_sweep(biases, n_sentences=2000, seed=0):
    from ..data import ToyLanguage

    rng = __import__("numpy").random.default_rng(seed)
    rates = []
    for b in biases:
        language = ToyLanguage("small", pronoun_bias=b)
        his_jobs, _ = bias.split_jobs(language)
        rates.append(bias.pronoun_rate(language.sample(n_sentences, rng=rng), his_jobs))
    return rates


def _bias_tests(rates, biases):
    import numpy as np

    def values():
        return np.asarray(rates, dtype=float)

    return [
        ("one share of 'his' per knob value, each between 0 and 1",
         lambda: values().shape == (len(biases),) and np.all((values() >= 0) & (values() <= 1)),
         "return a list of floats: for each value of the knob, the share of 'his' after the jobs it pairs with 'his'."),
        ("with the knob at 0 the share is near one half (0.35 to 0.65)", lambda: 0.35 <= values()[0] <= 0.65,
         "at 0 the language pairs no job with a pronoun: measure on the jobs split_jobs pairs with 'his'."),
        ("the share rises with the knob (by more than 0.3 from 0 to 1, never falling by more than 0.1)",
         lambda: np.all(np.diff(values()) > -0.1) and values()[-1] - values()[0] > 0.3,
         "sample a new corpus for each value of the knob, of the same size."),
        ("with the knob at 1 every pronoun after those jobs is 'his'", lambda: values()[-1] >= 0.95,
         "at 1 the pairing is total: check which jobs you measure."),
    ]


def check_bias_sweep(bias_sweep):
    """Run ``bias_sweep(biases) -> rates`` and check that the numbers are plausible."""
    return run_experiment("bias_sweep", bias_sweep, _bias_sweep, (BIASES,), lambda r: _bias_tests(r, BIASES))
