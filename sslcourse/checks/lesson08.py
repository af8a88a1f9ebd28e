"""Checkers for the exercises of lesson 08 (pitfalls): the counterfactual swap, augmentation, the pronoun rate."""
from __future__ import annotations

from .. import bias
from ._core import Case, Mistake, check_function

__all__ = ["check_counterfactual_augment", "check_pronoun_rate", "check_swap_pronouns"]

_OWN = [["the", "doctor", "finds", "his", "pen"], ["a", "teacher", "loses", "her", "book"],
        ["the", "doctor", "cleans", "her", "book"], ["the", "doctor", "eats", "the", "fish"],
        ["a", "tired", "pilot", "finds", "his", "map"], ["the", "teachers", "want", "some", "cake"]]


def _one_way(sentence):
    return [("her" if w == "his" else w) for w in sentence]


def _replace_in_turn(sentence):
    return " ".join(sentence).replace("his", "her").replace("her", "his").split()


def _replace_pieces(sentence):
    return " ".join(sentence).replace("his", "@").replace("her", "his").replace("@", "her").split()


def check_swap_pronouns(swap_pronouns):
    """Check ``swap_pronouns(sentence) -> list of str`` against ``sc.bias.swap_pronouns``."""
    cases = [Case("the doctor finds his pen", (_OWN[0],)),
             Case("a teacher loses her book", (_OWN[1],)),
             Case("a sentence with no pronoun", (["the", "cow", "eats", "the", "hay"],)),
             Case("the words his her his", (["his", "her", "his"],))]
    mistakes = [
        Mistake(_one_way, "swap both ways: 'her' must become 'his' too, not only 'his' -> 'her'."),
        Mistake(_replace_pieces, "swap whole words, not pieces of text: 'teacher' contains 'her'. "
                                 "Look at each word of the list and swap it only if it is 'his' or 'her'."),
        Mistake(_replace_in_turn, "replacing 'his' by 'her' and then 'her' by 'his' turns every pronoun "
                                  "into the same one; decide each word once, in a single pass."),
    ]
    return check_function("swap_pronouns", swap_pronouns, bias.swap_pronouns, cases, mistakes=mistakes,
                          hint="return a new list with 'his' and 'her' exchanged and every other word kept.")


def check_counterfactual_augment(counterfactual_augment):
    """Check ``counterfactual_augment(sentences) -> list`` against ``sc.bias.counterfactual_augment``."""
    cases = [Case("six sentences, four with a pronoun", (_OWN,)),
             Case("one sentence with 'his'", ([_OWN[0]],)),
             Case("two sentences without a pronoun", ([_OWN[3], _OWN[5]],))]
    swap = bias.swap_pronouns
    mistakes = [
        Mistake(lambda ss: [swap(s) for s in ss if "his" in s or "her" in s],
                "keep the original sentences too: the augmented corpus is the corpus plus the swapped copies."),
        Mistake(lambda ss: [swap(s) for s in ss],
                "add the swapped copies after the originals; do not replace the originals by them."),
        Mistake(lambda ss: list(ss) + [swap(s) for s in ss],
                "add a copy only of the sentences that have a pronoun: a copy of the others is a duplicate."),
    ]
    return check_function("counterfactual_augment", counterfactual_augment, bias.counterfactual_augment,
                          cases, mistakes=mistakes,
                          hint="return the sentences, in order, then a swapped copy of each one that has a pronoun.")


def _over_job_sentences(sentences, jobs):
    hits = [s for s in sentences if set(jobs) & set(s)]
    return sum("his" in s for s in hits) / len(hits)


def _all_jobs(sentences, jobs):
    pronouns = [w for s in sentences for w in s if w in ("his", "her")]
    return sum(w == "his" for w in pronouns) / len(pronouns)


def _her_share(sentences, jobs):
    return 1 - bias.pronoun_rate(sentences, jobs)


def check_pronoun_rate(pronoun_rate):
    """Check ``pronoun_rate(sentences, jobs) -> float`` against ``sc.bias.pronoun_rate``."""
    few = [_OWN[0], _OWN[3], ["a", "nurse", "loses", "her", "needle"], ["the", "nurse", "finds", "her", "bucket"]]
    cases = [Case("two doctor sentences (one with a pronoun) and two nurse sentences", (few, ["doctor"])),
             Case("all six sentences, jobs ['doctor']", (_OWN, ["doctor"])),
             Case("all six sentences, jobs ['teacher', 'pilot']", (_OWN, ["teacher", "pilot"]))]
    mistakes = [
        Mistake(_over_job_sentences, "divide by the sentences that have a pronoun: a doctor who eats fish "
                                     "says nothing about 'his' or 'her'."),
        Mistake(_all_jobs, "count only the sentences whose subject is one of jobs, not every pronoun."),
        Mistake(_her_share, "that is the share of 'her'; the question asks for the share of 'his'."),
    ]
    return check_function("pronoun_rate", pronoun_rate, bias.pronoun_rate, cases, mistakes=mistakes,
                          hint="count 'his' among the pronouns of the sentences that hold one of jobs, "
                               "and divide by the number of those pronouns.")
