"""Checkers for the exercises of lesson 02 (solutions/02_exercises.ipynb): gradients by hand.

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use.
"""
from __future__ import annotations

import numpy as np

from ..nn_numpy.gradcheck import numerical_gradient, relative_error
from ._core import Case, Mistake, check_function, run_experiment

__all__ = ["check_linear_backward", "check_masked_cross_entropy", "check_embedding_backward",
           "check_step_size_sweep"]

_RNG_SEED = 202


# ---- linear_backward: out = x @ W + b
def _linear_backward(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)  # (N, D), (D, M), (M,)


def _linear_dW_transposed(dout, x, W):
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


def _linear_db_mean(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


def _linear_dx_without_transpose(dout, x, W):
    return dout @ W, x.T @ dout, dout.sum(axis=0)


def _linear_db_first_row(dout, x, W):
    return dout @ W.T, x.T @ dout, dout[0].copy()


def _linear_dW_without_x(dout, x, W):
    return dout @ W.T, np.tile(dout.sum(axis=0), (W.shape[0], 1)), dout.sum(axis=0)


def _linear_cases():
    rng = np.random.default_rng(_RNG_SEED)
    x, W, dout = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    xs, Ws, douts = rng.standard_normal((3, 3)), rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    return [Case("square W (3, 3), where a transpose does not change the shape", (douts, xs, Ws)),
            Case("x (4, 3), W (3, 5)", (dout, x, W)),
            Case("a batch of one row", (dout[:1], x[:1], W))]


def check_linear_backward(linear_backward):
    """Check ``linear_backward(dout, x, W) -> (dx, dW, db)``."""
    mistakes = [
        Mistake(_linear_dW_transposed, "dW has its two factors in the wrong order: it must have W's shape "
                "(D, M), one entry per weight.",
                "Write out out[n, m] as a sum over d and differentiate with respect to W[d, m]: which index "
                "is summed away?"),
        Mistake(_linear_db_mean, "db averages over the batch: the bias is added to every row, and the "
                "gradients of all the rows that used it add up.",
                "One bias entry affects every row of the output; a sum of effects gives a sum of gradients."),
        Mistake(_linear_dx_without_transpose, "dx uses W as it is, and only a square W fits: dx must have "
                "x's shape (N, D).",
                "Differentiate out[n, m] with respect to x[n, d]: the entry of W that multiplies it is "
                "indexed [d, m], so the sum over m pairs dout's columns with W's columns."),
        Mistake(_linear_db_first_row, "db uses only the first row of the batch: every row used the bias.",
                "Combine the gradient of every row, not only one."),
        Mistake(_linear_dW_without_x, "dW leaves x out: how much weight W[d, m] changes the loss depends "
                "on the input that it multiplies.",
                "Each entry of dW is a sum over the batch of an input times an output gradient."),
    ]
    return check_function("linear_backward", linear_backward, _linear_backward, _linear_cases(),
                          mistakes=mistakes, outputs=("dx", "dW", "db"),
                          hint="the chain rule on one entry: write out[n, m] as a sum over d, differentiate "
                               "it by each input, and sum over every output entry the input affects. Each "
                               "gradient has the shape of what it is the gradient of.",
                          more="Check each shape first: dx like x (N, D), dW like W (D, M), db like b (M,). "
                               "Then compare with a numerical gradient on a 2 x 2 example.")


# ---- masked_cross_entropy: the loss on hidden positions only, and its gradient
def _masked_cross_entropy(logits, targets, mask):
    n = mask.sum()
    shifted = logits - logits.max(axis=-1, keepdims=True)  # (N, L, V), never overflows
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, targets[..., None], axis=-1)[..., 0]  # (N, L)
    loss = -picked[mask].sum() / n
    onehot = np.arange(logits.shape[-1]) == targets[..., None]  # (N, L, V)
    dlogits = (np.exp(log_probs) - onehot) * mask[..., None] / n
    return float(loss), dlogits


def _ce_all_positions(logits, targets, mask):
    return _masked_cross_entropy(logits, targets, np.ones_like(mask))


def _ce_mean_over_all(logits, targets, mask):
    loss, dlogits = _masked_cross_entropy(logits, targets, mask)
    return loss * mask.sum() / mask.size, dlogits * mask.sum() / mask.size


def _ce_flipped(logits, targets, mask):
    return _masked_cross_entropy(logits, targets, ~mask)


def _ce_grad_unmasked(logits, targets, mask):
    loss, _ = _masked_cross_entropy(logits, targets, mask)
    full, dfull = _masked_cross_entropy(logits, targets, np.ones_like(mask))
    return loss, dfull * mask.size / mask.sum()


def _ce_no_onehot(logits, targets, mask):
    loss, dlogits = _masked_cross_entropy(logits, targets, mask)
    onehot = np.arange(logits.shape[-1]) == targets[..., None]
    return loss, dlogits + onehot * mask[..., None] / mask.sum()


def _ce_cases():
    rng = np.random.default_rng(_RNG_SEED + 1)
    logits, targets = rng.standard_normal((2, 4, 6)), rng.integers(0, 6, size=(2, 4))
    mask = np.array([[True, False, False, True], [False, True, False, False]])
    one = np.zeros((2, 4), bool)
    one[1, 2] = True
    return [Case("2 sentences of 4 words, 3 hidden", (logits, targets, mask)),
            Case("a single hidden word", (logits, targets, one)),
            Case("huge logits (1000): subtract the max before exp", (logits * 1000, targets, mask))]


def check_masked_cross_entropy(masked_cross_entropy):
    """Check ``masked_cross_entropy(logits, targets, mask) -> (loss, dlogits)``."""
    mistakes = [
        Mistake(_ce_all_positions, "the loss counts the visible positions too: only hidden positions "
                "(mask True) are scored.",
                "Select the hidden positions before averaging, and give the visible ones no gradient."),
        Mistake(_ce_mean_over_all, "the sum over hidden positions is divided by all N * L positions: the "
                "loss is a mean over the hidden positions only.",
                "Divide by how many positions are hidden, in the loss and in its gradient."),
        Mistake(_ce_flipped, "the mask polarity is flipped: True means hidden, and the hidden positions "
                "are the ones scored.", "Score the positions where the mask is True."),
        Mistake(_ce_grad_unmasked, "the loss is right but dlogits is not zero at visible positions: they do "
                "not take part in the loss, so the loss does not change with their logits.",
                "Whatever multiplies the loss's terms must also multiply their gradients."),
        Mistake(_ce_no_onehot, "dlogits forgets the target: the derivative of -log softmax has two parts, "
                "one from the normaliser and one from the target's own logit.",
                "Differentiate -z[t] + log sum exp z by z[v], once for v = t and once for v != t."),
    ]
    with np.errstate(all="ignore"):  # an overflowing exp is reported in the message, not as a warning
        return check_function("masked_cross_entropy", masked_cross_entropy, _masked_cross_entropy, _ce_cases(),
                              mistakes=mistakes, outputs=("loss", "dlogits"),
                              hint="softmax cross-entropy, averaged over the hidden positions only, and its "
                                   "exact gradient; large logits must not overflow.",
                              more="exp of 1000 is infinite: shifting all the logits of a position by the same "
                                   "number changes no probability, so shift them before exp. Check dlogits "
                                   "against a numerical gradient.")


# ---- embedding_backward: rows looked up by id collect their gradients
def _embedding_backward(dout, ids, vocab_size):
    dE = np.zeros((vocab_size, dout.shape[-1]))
    np.add.at(dE, ids, dout)  # a word seen twice gets both gradients
    return dE


def _embedding_overwrite(dout, ids, vocab_size):
    dE = np.zeros((vocab_size, dout.shape[-1]))
    dE[ids] += dout
    return dE


def _embedding_mean(dout, ids, vocab_size):
    counts = np.bincount(ids.ravel(), minlength=vocab_size)[:, None]
    return _embedding_backward(dout, ids, vocab_size) / np.maximum(counts, 1)


def _embedding_batch_summed_first(dout, ids, vocab_size):
    dE = np.zeros((vocab_size, dout.shape[-1]))
    np.add.at(dE, ids[0], dout.sum(axis=0))
    return dE


def _embedding_first_sentence(dout, ids, vocab_size):
    return _embedding_backward(dout[:1], ids[:1], vocab_size)


def _embedding_by_position(dout, ids, vocab_size):
    dE = np.zeros((vocab_size, dout.shape[-1]))
    L = min(ids.shape[1], vocab_size)
    dE[:L] = dout.sum(axis=0)[:L]
    return dE


def _embedding_cases():
    rng = np.random.default_rng(_RNG_SEED + 2)
    unique = np.array([[4, 1, 0]])
    repeated = np.array([[2, 5, 2, 2], [5, 0, 3, 2]])
    return [Case("3 different ids", (rng.standard_normal((1, 3, 2)), unique, 6)),
            Case("ids that repeat within and across sentences", (rng.standard_normal((2, 4, 3)), repeated, 7)),
            Case("words never seen keep a zero gradient", (rng.standard_normal((1, 2, 2)), np.array([[1, 1]]), 5))]


def check_embedding_backward(embedding_backward):
    """Check ``embedding_backward(dout, ids, vocab_size) -> dE``."""
    mistakes = [
        Mistake(_embedding_overwrite, "a word seen twice keeps only one of its gradients: with fancy "
                "indexing, repeated indices are written once, not added up.",
                "numpy has an unbuffered way to add at repeated indices; a loop over the positions works too."),
        Mistake(_embedding_mean, "the gradients of a repeated word are averaged: each use of a row adds its "
                "own effect on the loss.", "Two uses of one row give the sum of two gradients."),
        Mistake(_embedding_batch_summed_first, "the sentences' gradients were added position by position "
                "before going to the rows: position l holds a different word in each sentence.",
                "Send each (sentence, position) gradient to the row of the word at that place."),
        Mistake(_embedding_first_sentence, "only the first sentence contributes: every position of every "
                "sentence looked up a row.", "Loop over (or index) the whole batch, not its first row."),
        Mistake(_embedding_by_position, "the gradient went to rows by position: a row of E is chosen by "
                "the word's id, not by where the word stands.",
                "The row that position (n, l) used is the one its id names."),
    ]
    return check_function("embedding_backward", embedding_backward, _embedding_backward, _embedding_cases(),
                          mistakes=mistakes,
                          hint="a lookup copies row ids[n, l] of E to position (n, l): the gradient of that "
                               "row collects the gradient of every position that copied it.",
                          more="Start from a zero gradient shaped like E, one row per word; a word used twice "
                               "gets two contributions, a word never used gets none.")


# ---- step_size_sweep (an experiment): the centred difference's error against its step
STEPS = 10.0 ** -np.arange(1, 13)  # 1e-1 ... 1e-12


def _step_size_sweep(steps, x, W, G):
    def f(W_):
        return np.sum(np.tanh(x @ W_) * G)

    analytic = x.T @ ((1 - np.tanh(x @ W) ** 2) * G)
    return np.array([relative_error(analytic, numerical_gradient(f, W, eps=h)) for h in steps])


def _sweep_tests(errors, steps):
    errors = np.asarray(errors, dtype=float) if isinstance(errors, (list, tuple, np.ndarray)) else None
    shaped = errors is not None and errors.shape == steps.shape and bool(np.all(np.isfinite(errors)))
    def ok(test):
        return lambda: shaped and test()

    def best():
        return int(np.argmin(errors))

    return [
        ("one finite relative error per step", shaped,
         "return a 1-D array (or list) of floats, one per step, in the order of steps."),
        ("the best step's error is below 1e-8", ok(lambda: errors.min() < 1e-8),
         "an error near 1 at every step means the analytic gradient is wrong: derive the derivative of tanh, "
         "then the chain rule through x @ W."),
        ("the best step lies between 1e-3 and 1e-8", ok(lambda: 1e-8 <= steps[best()] <= 1e-3),
         "compare your numbers step by step: which step gives the smallest error?"),
        ("a large step (0.1) is far less accurate than the best", ok(lambda: errors[0] > 100 * errors.min()),
         "with a large step the centred difference is off by a term that grows with the step."),
        ("from 0.1 to 0.001 the error falls about 100-fold per factor of 10", ok(lambda: 1e3 <= errors[0] / errors[2] <= 1e5),
         "that is the signature of the centred difference, whose error falls like the square of the step "
         "(a one-sided difference's falls only like the step): use the package's numerical_gradient."),
        ("a tiny step (1e-12) is far less accurate than the best", ok(lambda: errors[-1] > 100 * errors.min()),
         "with a tiny step, the two values of f agree in almost all their digits: rounding error dominates."),
    ]


def check_step_size_sweep(step_size_sweep):
    """Run ``step_size_sweep(steps, x, W, G) -> errors`` and check that its numbers are plausible.

    Returns the errors the next cells should use (the learner's when plausible)."""
    rng = np.random.default_rng(_RNG_SEED + 3)
    args = (STEPS, rng.standard_normal((5, 4)), rng.standard_normal((4, 3)), rng.standard_normal((5, 3)))
    return run_experiment("step_size_sweep", step_size_sweep, _step_size_sweep, args,
                          lambda errors: _sweep_tests(errors, STEPS))
