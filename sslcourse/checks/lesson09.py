"""Checkers for the exercises of lesson 09 (next words): the causal mask, the shifted targets, temperature."""
from __future__ import annotations

import numpy as np

from .. import gpt
from ._core import Case, Mistake, check_function

__all__ = ["check_causal_mask", "check_next_token_batch", "check_softmax_with_temperature"]


def check_causal_mask(causal_mask):
    """Check ``causal_mask(L) -> bool (L, L)`` (True = hidden) against ``sc.gpt.causal_mask``."""
    cases = [Case(f"L = {L}", (L,)) for L in (3, 1, 5)]
    mistakes = [
        Mistake(lambda L: np.tril(np.ones((L, L), dtype=bool)),
                "the course's polarity is True = hidden: mark the keys a query may NOT see."),
        Mistake(lambda L: np.triu(np.ones((L, L), dtype=bool)),
                "each position may see itself: keep the diagonal visible (np.triu(..., k=1))."),
        Mistake(lambda L: np.tril(np.ones((L, L), dtype=bool), k=-1),
                "rows are queries and columns are keys: hide the keys to the right of the diagonal."),
    ]
    return check_function("causal_mask", causal_mask, gpt.causal_mask, cases, mistakes=mistakes,
                          hint="entry [i, j] is True when key j comes after query i (j > i).")


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


def check_next_token_batch(next_token_batch):
    """Check ``next_token_batch(ids, pad_id=0) -> (inputs, targets, mask)`` against ``sc.gpt``'s."""
    cases = [Case("one sentence of 3 words, no padding", (np.array([[5, 6, 7]]),)),
             Case("two sentences, one padded", (np.array([[5, 6, 7, 8], [9, 10, 0, 0]]),)),
             Case("pad_id = 2", (np.array([[5, 6, 2], [7, 2, 2]]),), {"pad_id": 2})]
    mistakes = [
        Mistake(_not_shifted, "the target at position t is the word at position t + 1: shift the targets by one."),
        Mistake(_no_end, "score the end of each sentence too (its target is the marker), so the model "
                         "learns to stop."),
        Mistake(_all_scored, "do not score the padding after the end: mask is True for the n + 1 targets of a "
                             "sentence of n words."),
        Mistake(_marker_last, "the marker goes first in the inputs (the first word must be predicted from it) "
                              "and last in the targets."),
    ]
    return check_function("next_token_batch", next_token_batch, gpt.next_token_batch, cases,
                          mistakes=mistakes, outputs=("inputs", "targets", "mask"),
                          hint="inputs = [marker, w1..wn], targets = [w1..wn, marker], padded, "
                               "with (N, L + 1) shapes.")


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
                "divide the logits by the temperature; multiplying makes T > 1 sharper instead of flatter."),
        Mistake(lambda z, T: _normalise(np.exp(np.asarray(z) / T - np.max(z)), axis=0),
                "normalise over the last axis (the words of each row), with keepdims=True."),
        Mistake(lambda z, T: np.exp(np.asarray(z) / T - np.max(np.asarray(z) / T, axis=-1, keepdims=True)),
                "divide by the sum over the words, so that each row sums to 1."),
    ]
    return check_function("softmax_with_temperature", softmax_with_temperature, gpt.softmax_with_temperature,
                          cases, mistakes=mistakes,
                          hint="divide the logits by T, subtract the largest of each row (so exp never "
                               "overflows), take exp, and divide by the row's sum.")
