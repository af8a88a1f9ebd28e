"""Checkers for the exercises of lesson 09 (next words): the causal mask, the shifted targets, temperature."""
from __future__ import annotations

import numpy as np

from .. import gpt
from ._core import Case, Mistake, check_function, run_experiment

__all__ = ["check_causal_mask", "check_next_token_batch", "check_softmax_with_temperature",
           "check_temperature_sweep"]


def check_causal_mask(causal_mask):
    """Check ``causal_mask(L) -> bool (L, L)`` (True = hidden) against ``sc.gpt.causal_mask``."""
    cases = [Case(f"L = {L}", (L,)) for L in (3, 1, 5)]
    mistakes = [
        Mistake(lambda L: np.tril(np.ones((L, L), dtype=bool)),
                "the polarity is reversed: in this course True = hidden, so mark the keys a query may NOT see.",
                "The allowed part (the past and the present) is False."),
        Mistake(lambda L: np.triu(np.ones((L, L), dtype=bool)),
                "each position may see itself: the diagonal stays visible.",
                "Only keys strictly after the query are hidden."),
        Mistake(lambda L: np.tril(np.ones((L, L), dtype=bool), k=-1),
                "rows are queries and columns are keys: the future of query i is the keys to the right.",
                "Hide the part above the diagonal, not below it."),
        Mistake(lambda L: np.triu(np.ones((L, L)), k=1),
                "the mask holds numbers: a mask is a bool array.", "Give it the bool dtype."),
        Mistake(lambda L: np.zeros((L, L), dtype=bool),
                "nothing is hidden: a causal model must not see the words after the one it predicts.",
                "Row i hides every key after i."),
    ]
    return check_function("causal_mask", causal_mask, gpt.causal_mask, cases, mistakes=mistakes,
                          hint="the causal mask of a GPT: query i may look at keys 0 to i and nothing after; "
                               "True marks what is hidden.",
                          more="numpy has functions for the upper and lower triangles of a matrix, with an "
                               "offset for the diagonal.")


def _not_shifted(ids, pad_id=0):
    inputs, _, mask = gpt.next_token_batch(ids, pad_id=pad_id)
    return inputs, inputs.copy(), mask


def _no_end(ids, pad_id=0):
    inputs, targets, _ = gpt.next_token_batch(ids, pad_id=pad_id)
    return inputs, targets, targets != pad_id


def _all_scored(ids, pad_id=0):
    inputs, targets, mask = gpt.next_token_batch(ids, pad_id=pad_id)
    return inputs, targets, np.ones_like(mask)


def _marker_last(ids, pad_id=0):
    marker = np.full((len(ids), 1), pad_id, dtype=ids.dtype)
    inputs, targets = np.concatenate([ids, marker], 1), np.concatenate([marker, ids], 1)
    return inputs, targets, gpt.next_token_batch(ids, pad_id=pad_id)[2]


def _float_ids(ids, pad_id=0):
    inputs, targets, mask = gpt.next_token_batch(ids, pad_id=pad_id)
    return inputs.astype(float), targets.astype(float), mask


def check_next_token_batch(next_token_batch):
    """Check ``next_token_batch(ids, pad_id=0) -> (inputs, targets, mask)`` against ``sc.gpt``'s."""
    cases = [Case("one sentence of 3 words, no padding", (np.array([[5, 6, 7]]),)),
             Case("two sentences, one padded", (np.array([[5, 6, 7, 8], [9, 10, 0, 0]]),)),
             Case("pad_id = 2", (np.array([[5, 6, 2], [7, 2, 2]]),), {"pad_id": 2})]
    mistakes = [
        Mistake(_not_shifted, "the targets are the inputs: the target at position t is the word that comes "
                "next.", "Shift by one position."),
        Mistake(_no_end, "the end of each sentence is not scored: its target is the marker, and predicting it "
                "teaches the model to stop.", "A sentence of n words has n + 1 targets."),
        Mistake(_all_scored, "the padding after the end is scored too: the model would learn to predict "
                "padding.", "Score only the n + 1 real targets of each sentence."),
        Mistake(_marker_last, "the marker is in the wrong place: it starts the inputs (the first word is "
                "predicted from it) and ends the targets.", "Inputs begin with the marker."),
        Mistake(_float_ids, "the ids are floats: ids index an embedding table, so they stay integers.",
                "Build the arrays with the dtype of ids."),
    ]
    return check_function("next_token_batch", next_token_batch, gpt.next_token_batch, cases,
                          mistakes=mistakes, outputs=("inputs", "targets", "mask"),
                          hint="next-token prediction as masked prediction: every position predicts the word "
                               "after it, with the padding id as the start and end marker; the mask says "
                               "which targets are scored.",
                          more="All three arrays are one longer than ids, (N, L + 1); ids stay ints and the "
                               "mask is bool.")


def _normalise(e, axis):
    return e / e.sum(axis=axis)


def check_softmax_with_temperature(softmax_with_temperature):
    """Check ``softmax_with_temperature(logits, temperature)`` against ``sc.gpt``'s."""
    logits = np.array([[2.0, 1.0, 0.5, -1.0], [0.0, 0.0, 3.0, 1.0]])
    cases = [Case("T = 1 on 4 logits", (logits[0], 1.0)),
             Case("T = 0.5 on a batch of 2 rows", (logits, 0.5)),
             Case("T = 4 on a batch of 2 rows", (logits, 4.0)),
             Case("large logits (1000, 1001, 999), T = 1", (np.array([1000.0, 1001.0, 999.0]), 1.0))]
    mistakes = [
        Mistake(lambda z, T: gpt.softmax_with_temperature(np.asarray(z) * T * T, T),
                "the logits were multiplied by the temperature: a high temperature must flatten the "
                "distribution, a low one sharpen it.", "Divide instead."),
        Mistake(lambda z, T: _normalise(np.exp(np.asarray(z) / T - np.max(z)), axis=0),
                "the normalisation runs over the wrong axis: each row (the words of one position) must sum "
                "to 1.", "Normalise along the last axis, keeping it for broadcasting."),
        Mistake(lambda z, T: np.exp(np.asarray(z) / T - np.max(np.asarray(z) / T, axis=-1, keepdims=True)),
                "the rows do not sum to 1: a softmax divides by the total.", "Divide by each row's sum."),
        Mistake(lambda z, T: gpt.softmax_with_temperature(z, 1.0),
                "the temperature is ignored: T = 0.5 and T = 4 must give different distributions.",
                "Use T on the logits before the exponential."),
        Mistake(lambda z, T: gpt.softmax_with_temperature(z, 1.0) ** (1 / T),
                "the temperature was applied to the probabilities after the softmax, and the rows no longer "
                "sum to 1.", "Apply it to the logits, before the exponential."),
    ]
    return check_function("softmax_with_temperature", softmax_with_temperature, gpt.softmax_with_temperature,
                          cases, mistakes=mistakes,
                          hint="sampling with a temperature: the softmax of the logits divided by T, each row "
                               "a distribution; it must not overflow for large logits.",
                          more="Shifting a row's logits by the same number changes no probability, and keeps "
                               "exp from overflowing.")


# ---- temperature_sweep (an experiment): how random is sampling at each temperature?
TEMPERATURES = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0)


def _temperature_sweep(logits, temperatures):
    out = []
    for T in temperatures:
        q = gpt.softmax_with_temperature(logits, T)
        out.append(float(-(q * np.log(np.maximum(q, 1e-300))).sum()))  # entropy in nats
    return out


def _temperature_tests(entropies, logits, temperatures):
    log_v = float(np.log(len(logits)))

    def values():
        e = np.asarray(entropies, dtype=float)
        return e if e.shape == (len(temperatures),) and np.all(np.isfinite(e)) else None

    return [
        ("one finite entropy per temperature, each between 0 and log V", lambda: values() is not None
         and np.all((values() >= -1e-9) & (values() <= log_v + 1e-9)),
         "return a list of floats, one per temperature: the entropy of the distribution, in nats."),
        ("the entropy grows with the temperature", lambda: np.all(np.diff(values()) > 0),
         "a higher temperature flattens the distribution, so it is more uncertain."),
        ("at T = 0.1 sampling is almost greedy (entropy below 0.1 nats)", lambda: values()[0] < 0.1,
         "the entropy is minus the sum of p log p; at a low temperature one word takes nearly all the mass."),
        ("at T = 1 the entropy is the language's own (the logits are log p)",
         lambda: abs(values()[3] - _temperature_sweep(logits, (1.0,))[0]) < 1e-6,
         "at T = 1 the softmax of log p gives p back: use your softmax_with_temperature on the logits given."),
        ("at T = 10 the entropy is close to log V", lambda: values()[-1] > log_v - 1.0,
         "at a high temperature every word becomes almost equally likely."),
    ]


def check_temperature_sweep(temperature_sweep, logits):
    """Run ``temperature_sweep(logits, TEMPERATURES) -> entropies`` and check that they are plausible."""
    logits = np.asarray(logits, dtype=float)
    return run_experiment("temperature_sweep", temperature_sweep, _temperature_sweep, (logits, TEMPERATURES),
                          lambda e: _temperature_tests(e, logits, TEMPERATURES))
