"""The checkers of lessons 08 and 09 against their references, stubs, and planted wrong answers.

Each planted mistake is an independent wrong implementation written here (not the checker's
own), so the test shows that a learner making that mistake gets that hint.
"""
import numpy as np
import pytest

import sslcourse.checks as checks
from sslcourse import bias, gpt


def stub(*args, **kwargs):
    raise NotImplementedError


def run(capsys, checker, fn):
    used = checker(fn)
    return used, capsys.readouterr().out


def assert_ok_and_todo(capsys, checker, good, reference, name, n_cases):
    used, out = run(capsys, checker, good)
    assert used is good and out == f"[OK] {name}: all {n_cases} checks pass.\n"
    used, out = run(capsys, checker, stub)
    assert used is reference and out.startswith(f"[TODO] {name} is not written yet")


def assert_caught(capsys, checker, wrong, reference, name, hint):
    used, out = run(capsys, checker, wrong)
    assert used is reference
    assert out.startswith(f"[NOT YET] {name} on "), out
    assert hint in out.split("Hint: ", 1)[1].split("\n")[0], out
    assert "The cells below use the reference" in out


# ---- lesson 08: the counterfactual swap
def swap_good(sentence):
    out = []
    for word in sentence:
        out.append("her" if word == "his" else "his" if word == "her" else word)
    return out


def swap_one_way(sentence):
    return ["her" if w == "his" else w for w in sentence]


def swap_in_turn(sentence):
    text = " ".join(sentence)
    return text.replace("his", "her").replace("her", "his").split(" ")


def swap_substrings(sentence):
    text = " ".join(sentence)
    return text.replace("her", "TMP").replace("his", "her").replace("TMP", "his").split(" ")


def test_check_swap_pronouns(capsys):
    assert_ok_and_todo(capsys, checks.check_swap_pronouns, swap_good, bias.swap_pronouns, "swap_pronouns", 4)
    for wrong, hint in [(swap_one_way, "swap both ways"), (swap_in_turn, "turns every pronoun into the same one"),
                        (swap_substrings, "swap whole words, not pieces of text: 'teacher' contains 'her'")]:
        assert_caught(capsys, checks.check_swap_pronouns, wrong, bias.swap_pronouns, "swap_pronouns", hint)


# ---- lesson 08: counterfactual augmentation
def augment_good(sentences):
    return sentences + [swap_good(s) for s in sentences if {"his", "her"} & set(s)]


def augment_only_copies(sentences):
    return [swap_good(s) for s in sentences if "his" in s or "her" in s]


def augment_replacing(sentences):
    return [swap_good(s) for s in sentences]


def augment_every_sentence(sentences):
    return sentences + [swap_good(s) for s in sentences]


def test_check_counterfactual_augment(capsys):
    assert_ok_and_todo(capsys, checks.check_counterfactual_augment, augment_good, bias.counterfactual_augment,
                       "counterfactual_augment", 3)
    for wrong, hint in [(augment_only_copies, "keep the original sentences too"),
                        (augment_replacing, "the originals were replaced by their copies"),
                        (augment_every_sentence, "add a copy only of the sentences that have a pronoun")]:
        assert_caught(capsys, checks.check_counterfactual_augment, wrong, bias.counterfactual_augment,
                      "counterfactual_augment", hint)


# ---- lesson 08: the share of "his"
def rate_good(sentences, jobs):
    his = her = 0
    for s in sentences:
        if any(j in s for j in jobs):
            his += s.count("his")
            her += s.count("her")
    return his / (his + her)


def rate_per_job_sentence(sentences, jobs):
    with_job = [s for s in sentences if any(j in s for j in jobs)]
    return sum(s.count("his") for s in with_job) / len(with_job)


def rate_every_pronoun(sentences, jobs):
    his = sum(s.count("his") for s in sentences)
    return his / (his + sum(s.count("her") for s in sentences))


def rate_of_her(sentences, jobs):
    return 1.0 - rate_good(sentences, jobs)


def test_check_pronoun_rate(capsys):
    assert_ok_and_todo(capsys, checks.check_pronoun_rate, rate_good, bias.pronoun_rate, "pronoun_rate", 3)
    for wrong, hint in [(rate_per_job_sentence, "the share is taken over the job sentences"),
                        (rate_every_pronoun, "every pronoun of the corpus was counted"),
                        (rate_of_her, "that is the share of 'her'")]:
        assert_caught(capsys, checks.check_pronoun_rate, wrong, bias.pronoun_rate, "pronoun_rate", hint)


# ---- lesson 09: the causal mask
def mask_good(L):
    i, j = np.indices((L, L))
    return j > i


def test_check_causal_mask(capsys):
    assert_ok_and_todo(capsys, checks.check_causal_mask, mask_good, gpt.causal_mask, "causal_mask", 3)
    for wrong, hint in [(lambda L: ~mask_good(L), "in this course True = hidden"),
                        (lambda L: np.indices((L, L))[1] >= np.indices((L, L))[0], "each position may see itself"),
                        (lambda L: mask_good(L).T, "rows are queries and columns are keys")]:
        assert_caught(capsys, checks.check_causal_mask, wrong, gpt.causal_mask, "causal_mask", hint)


# ---- lesson 09: inputs and shifted targets
def batch_good(ids, pad_id=0):
    N, L = ids.shape
    inputs = np.full((N, L + 1), pad_id, dtype=ids.dtype)
    targets = inputs.copy()
    mask = np.zeros((N, L + 1), dtype=bool)
    for n, row in enumerate(ids):
        words = row[row != pad_id]
        inputs[n, 1: len(words) + 1] = words
        targets[n, : len(words)] = words
        mask[n, : len(words) + 1] = True
    return inputs, targets, mask


def batch_unshifted(ids, pad_id=0):
    inputs, _, mask = batch_good(ids, pad_id)
    return inputs, inputs, mask


def batch_without_end(ids, pad_id=0):
    inputs, targets, _ = batch_good(ids, pad_id)
    return inputs, targets, targets != pad_id


def batch_scores_padding(ids, pad_id=0):
    inputs, targets, mask = batch_good(ids, pad_id)
    return inputs, targets, np.ones(mask.shape, dtype=bool)


def test_check_next_token_batch(capsys):
    assert_ok_and_todo(capsys, checks.check_next_token_batch, batch_good, gpt.next_token_batch,
                       "next_token_batch", 3)
    for wrong, hint in [(batch_unshifted, "the target at position t is the word that comes next"),
                        (batch_without_end, "the end of each sentence is not scored"),
                        (batch_scores_padding, "the padding after the end is scored too")]:
        assert_caught(capsys, checks.check_next_token_batch, wrong, gpt.next_token_batch, "next_token_batch", hint)


# ---- lesson 09: softmax with a temperature
def soft_good(logits, temperature):
    z = np.asarray(logits) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def soft_times_t(logits, temperature):
    return soft_good(np.asarray(logits) * temperature, 1.0)


def soft_wrong_axis(logits, temperature):
    z = np.asarray(logits) / temperature
    e = np.exp(z - z.max())
    return e / e.sum(axis=0)


def soft_unnormalised(logits, temperature):
    z = np.asarray(logits) / temperature
    return np.exp(z - z.max(axis=-1, keepdims=True))


def test_check_softmax_with_temperature(capsys):
    assert_ok_and_todo(capsys, checks.check_softmax_with_temperature, soft_good, gpt.softmax_with_temperature,
                       "softmax_with_temperature", 4)
    for wrong, hint in [(soft_times_t, "the logits were multiplied by the temperature"),
                        (soft_wrong_axis, "the normalisation runs over the wrong axis"),
                        (soft_unnormalised, "the rows do not sum to 1")]:
        assert_caught(capsys, checks.check_softmax_with_temperature, wrong, gpt.softmax_with_temperature,
                      "softmax_with_temperature", hint)


@pytest.mark.parametrize("checker", [checks.check_swap_pronouns, checks.check_counterfactual_augment,
                                     checks.check_pronoun_rate, checks.check_causal_mask,
                                     checks.check_next_token_batch, checks.check_softmax_with_temperature])
def test_a_function_that_raises_gets_a_hint_not_a_traceback(capsys, checker):
    def broken(*args, **kwargs):
        raise KeyError("oops")

    _, out = run(capsys, checker, broken)
    assert out.startswith("[NOT YET]") and "raised KeyError" in out
