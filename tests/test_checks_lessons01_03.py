"""The checkers of lessons 01-03 against their references, stubs, and planted wrong answers.

Each planted mistake is an independent wrong implementation written here (not the checker's
own), so the test shows that a learner making that mistake gets that hint.
"""
import numpy as np
import pytest

import sslcourse as sc  # noqa: F401
import sslcourse.checks as checks
from sslcourse.checks import lesson01 as l1
from sslcourse.checks import lesson02 as l2
from sslcourse.checks import lesson03 as l3


def stub(*args, **kwargs):
    raise NotImplementedError


# ---- planted wrong answers, as a learner might write them
def hide_flipped(ids, mask, mask_id):
    inputs = ids.copy()
    inputs[~mask] = mask_id
    return inputs, ids[~mask]


def hide_targets_after(ids, mask, mask_id):
    inputs = ids.copy()
    inputs[mask] = mask_id
    return inputs, inputs[mask]


def most_frequent_with_padding(train_ids, targets, n_special=3):
    values, counts = np.unique(train_ids, return_counts=True)
    return float(np.mean(targets == values[counts.argmax()]))


def most_frequent_count(train_ids, targets, n_special=3):
    counts = np.bincount(train_ids.ravel())
    counts[:n_special] = 0
    return int((targets == counts.argmax()).sum())


def corrupt_everywhere(ids, mask, u, random_ids, mask_id):
    inputs = ids.copy()
    inputs[u < 0.8] = mask_id
    between = (u >= 0.8) & (u < 0.9)
    inputs[between] = random_ids[between]
    return inputs


def corrupt_swapped(ids, mask, u, random_ids, mask_id):
    inputs = ids.copy()
    inputs[mask & (u < 0.1)] = mask_id  # the mask token 10% of the time...
    inputs[mask & (u >= 0.1) & (u < 0.9)] = random_ids[mask & (u >= 0.1) & (u < 0.9)]
    return inputs


def corrupt_swapped_branches(ids, mask, u, random_ids, mask_id):
    inputs = ids.copy()
    first, second = mask & (u < 0.8), mask & (u >= 0.8) & (u < 0.9)
    inputs[first] = random_ids[first]
    inputs[second] = mask_id
    return inputs


def linear_dW_transposed(dout, x, W):
    return dout @ W.T, dout.T @ x, dout.sum(0)


def linear_db_mean(dout, x, W):
    return dout @ W.T, x.T @ dout, np.mean(dout, axis=0)


def ce_over_all_positions(logits, targets, mask):
    loss, dlogits = l2._masked_cross_entropy(logits, targets, mask)
    n, total = mask.sum(), mask.size
    return loss * n / total, dlogits * n / total  # summed over hidden, divided by N * L


def ce_flipped(logits, targets, mask):
    return l2._masked_cross_entropy(logits, targets, mask == False)  # noqa: E712


def ce_grad_everywhere(logits, targets, mask):
    shifted = logits - logits.max(-1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(-1, keepdims=True)
    loss = -np.log(np.take_along_axis(p, targets[..., None], -1)[..., 0])[mask].mean()
    return loss, (p - np.eye(logits.shape[-1])[targets]) / mask.sum()


def ce_naive(logits, targets, mask):
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)  # overflows for large logits
    loss = -np.log(np.take_along_axis(p, targets[..., None], -1)[..., 0])[mask].mean()
    return loss, (p - np.eye(logits.shape[-1])[targets]) * mask[..., None] / mask.sum()


def embedding_fancy_index(dout, ids, vocab_size):
    dE = np.zeros((vocab_size, dout.shape[-1]))
    dE[ids] += dout
    return dE


def embedding_averaged(dout, ids, vocab_size):
    dE = l2._embedding_backward(dout, ids, vocab_size)
    return dE / np.maximum(np.bincount(ids.ravel(), minlength=vocab_size), 1)[:, None]


def weights_unscaled(q, k, causal=False):
    return l3._attention_weights(q * np.sqrt(q.shape[-1]), k, causal)


def weights_past_blocked(q, k, causal=False):
    scores = q @ np.swapaxes(k, 1, 2) / np.sqrt(q.shape[-1])
    if causal:
        scores[:, np.tril_indices(q.shape[1], -1)[0], np.tril_indices(q.shape[1], -1)[1]] = -np.inf
    e = np.exp(scores - scores.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def core_backward_diagonal(dctx, probs, v):
    dprobs = np.einsum("nld,nmd->nlm", dctx, v)
    return dprobs * probs, np.einsum("nml,nmd->nld", probs, dctx)


def core_backward_dv_untransposed(dctx, probs, v):
    dprobs = dctx @ np.swapaxes(v, 1, 2)
    dscores = probs * (dprobs - np.sum(dprobs * probs, axis=2, keepdims=True))
    return dscores, probs @ dctx


def layer_norm_batch(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + beta


def layer_norm_no_eps(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(-1, keepdims=True)) / x.std(-1, keepdims=True) + beta


EXERCISES = {
    # name: (checker, reference, [(planted wrong answer, words of its hint)])
    "hide_words": (checks.check_hide_words, l1._hide_words,
                   [(hide_flipped, "mask polarity is flipped"), (hide_targets_after, "targets were read after hiding")]),
    "most_frequent_accuracy": (checks.check_most_frequent_accuracy, l1._most_frequent_accuracy,
                               [(most_frequent_with_padding, "padding id 0 was counted"),
                                (most_frequent_count, "number of right guesses")]),
    "bert_corrupt": (checks.check_bert_corrupt, l1._bert_corrupt,
                     [(corrupt_everywhere, "visible positions were changed"),
                      (corrupt_swapped_branches, "two rates are swapped")]),
    "linear_backward": (checks.check_linear_backward, l2._linear_backward,
                        [(linear_dW_transposed, "dW has its two factors in the wrong order"), (linear_db_mean, "db averages over the batch")]),
    "masked_cross_entropy": (checks.check_masked_cross_entropy, l2._masked_cross_entropy,
                             [(ce_over_all_positions, "divided by all N * L positions"),
                              (ce_flipped, "mask polarity is flipped"),
                              (ce_grad_everywhere, "dlogits is not zero at visible positions")]),
    "embedding_backward": (checks.check_embedding_backward, l2._embedding_backward,
                           [(embedding_fancy_index, "repeated indices are written once"), (embedding_averaged, "are averaged")]),
    "attention_weights": (checks.check_attention_weights, l3._attention_weights,
                          [(weights_unscaled, "not scaled"), (weights_past_blocked, "hides the past")]),
    "attention_core_backward": (checks.check_attention_core_backward, l3._core_backward,
                                [(core_backward_diagonal, "only the diagonal"),
                                 (core_backward_dv_untransposed, "dv needs the transposed weights")]),
    "layer_norm": (checks.check_layer_norm, l3._layer_norm,
                   [(layer_norm_batch, "that is batch norm"), (layer_norm_no_eps, "eps is missing")]),
}
NAMES = sorted(EXERCISES)


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_passes(name, capsys):
    checker, reference, _ = EXERCISES[name]

    def mine(*args, **kwargs):
        return reference(*args, **kwargs)

    assert checker(mine) is mine
    out = capsys.readouterr()
    assert out.out.startswith(f"[OK] {name}: all ") and out.out.endswith(" checks pass.\n")
    assert out.err == ""


@pytest.mark.parametrize("name", NAMES)
def test_an_untouched_stub_is_todo_and_the_reference_is_used(name, capsys):
    checker, reference, _ = EXERCISES[name]
    assert checker(stub) is reference
    out = capsys.readouterr().out
    assert out.startswith(f"[TODO] {name} is not written yet")
    assert f"use the reference {name} so you can go on" in out


@pytest.mark.parametrize("name, wrong, hint", [(n, w, h) for n in NAMES for w, h in EXERCISES[n][2]],
                         ids=[f"{n}-{w.__name__}" for n in NAMES for w, _ in EXERCISES[n][2]])
def test_a_planted_mistake_gets_its_hint(name, wrong, hint, capsys):
    checker, reference, _ = EXERCISES[name]
    assert checker(wrong) is reference
    out = capsys.readouterr()
    assert out.out.startswith(f"[NOT YET] {name} on ")
    assert hint in out.out.split("Hint:")[1]
    assert "Traceback" not in out.out and out.err == ""


@pytest.mark.parametrize("name", NAMES)
def test_raising_or_a_wrong_shape_gives_a_hint_not_a_traceback(name, capsys):
    checker, reference, _ = EXERCISES[name]
    assert checker(lambda *a, **k: {}["missing"]) is reference
    out = capsys.readouterr().out
    assert out.startswith(f"[NOT YET] {name} raised KeyError (") and "Hint: read the error message (in brackets) together with the docstring" in out
    assert checker(lambda *a, **k: np.zeros(7)) is reference
    out = capsys.readouterr().out
    assert out.startswith(f"[NOT YET] {name} on ") and "Hint:" in out and "Traceback" not in out


def test_an_overflowing_cross_entropy_is_caught_quietly(capsys, recwarn):
    assert checks.check_masked_cross_entropy(ce_naive) is l2._masked_cross_entropy
    assert len(recwarn) == 0
    out = capsys.readouterr()
    assert "huge logits (1000): subtract the max before exp" in out.out
    assert out.err == ""


def test_a_wrong_value_reports_expected_and_got(capsys):
    checks.check_linear_backward(lambda dout, x, W: (dout @ W.T, x.T @ dout, dout.sum(0) + 1))
    out = capsys.readouterr().out
    assert "[NOT YET] linear_backward on square W (3, 3), where a transpose does not change the shape: db: 3 of 3 entries differ" in out
    assert "expected" in out and "got" in out


def test_the_same_numbers_in_another_dtype_are_rejected_with_the_dtype_named(capsys):
    """Float ids look equal but break the next cells (an index must be an int): not accepted."""
    def float_inputs(ids, mask, u, random_ids, mask_id):
        return l1._bert_corrupt(ids, mask, u, random_ids, mask_id).astype(np.float64)

    checks.check_bert_corrupt(float_inputs)
    out = capsys.readouterr().out
    assert out.startswith("[NOT YET] bert_corrupt") and "expected an int array, got dtype float64" in out


def test_a_tuple_result_may_come_back_as_a_list(capsys):
    """The docstring's (dx, dW, db) allows a list: a correct answer in a list passes."""
    mine = lambda dout, x, W: list(l2._linear_backward(dout, x, W))  # noqa: E731
    assert checks.check_linear_backward(mine) is mine
    assert capsys.readouterr().out.startswith("[OK] linear_backward")


def test_not_a_function_is_named(capsys):
    assert checks.check_layer_norm("layer_norm") is l3._layer_norm
    assert capsys.readouterr().out.startswith("[NOT YET] layer_norm: expected a function, got str.")


def test_every_checker_is_exported():
    for name in NAMES:
        assert hasattr(checks, f"check_{name}")
    new = {"check_layer_norm_backward", "check_step_size_sweep", "check_scaling_sweep"}  # tested in test_checks_planted
    assert set(l1.__all__) | set(l2.__all__) | set(l3.__all__) == {f"check_{n}" for n in NAMES} | new
