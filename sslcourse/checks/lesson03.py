"""Checkers for the exercises of lesson 03 (solutions/03_exercises.ipynb): attention by hand.

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use.
"""
from __future__ import annotations

import numpy as np

from ._core import Case, Mistake, check_function, run_experiment

__all__ = ["check_attention_weights", "check_attention_core_backward", "check_layer_norm",
           "check_layer_norm_backward", "check_scaling_sweep"]

_RNG_SEED = 303


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# ---- attention_weights: softmax(q k^T / sqrt(Dk)), optionally causal
def _scores(q, k, causal, block=lambda L: np.triu(np.ones((L, L), dtype=bool), k=1)):
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])  # (N, L, Dk) x (N, Dk, L) -> (N, L, L)
    return np.where(block(q.shape[1]), -np.inf, scores) if causal else scores  # block key j > query i


def _attention_weights(q, k, causal=False):
    return _softmax(_scores(q, k, causal))  # each row (a query) sums to 1 over the keys


def _weights_unscaled(q, k, causal=False):
    return _softmax(_scores(q * np.sqrt(q.shape[-1]), k, causal))


def _weights_wrong_axis(q, k, causal=False):
    return _softmax(_scores(q, k, causal), axis=-2)


def _weights_past_blocked(q, k, causal=False):
    return _softmax(_scores(q, k, causal, block=lambda L: np.tril(np.ones((L, L), dtype=bool), k=-1)))


def _weights_cases():
    rng = np.random.default_rng(_RNG_SEED)
    q, k = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 3))
    return [Case("2 sentences of 4 positions, Dk = 3", (q, k)),
            Case("causal=True: no looking ahead", (q, k), {"causal": True}),
            Case("one position only", (q[:, :1], k[:, :1]), {"causal": True})]


def _weights_scaled_by_length(q, k, causal=False):
    return _softmax(_scores(q * np.sqrt(q.shape[-1]) / np.sqrt(q.shape[1]), k, causal))


def _weights_causal_zeroed_after(q, k, causal=False):
    w = _softmax(_scores(q, k, False))
    return np.where(np.triu(np.ones((q.shape[1],) * 2, dtype=bool), k=1), 0.0, w) if causal else w


def check_attention_weights(attention_weights):
    """Check ``attention_weights(q, k, causal=False) -> weights (N, L, L)``."""
    mistakes = [
        Mistake(_weights_unscaled, "the scores are not scaled: with Dk features, a dot product of random "
                "vectors grows like the square root of Dk and saturates the softmax.",
                "Divide every score by the square root of the width of the queries."),
        Mistake(_weights_past_blocked, "the causal mask hides the past instead of the future: a query may "
                "look at itself and at earlier keys only.",
                "Row i is query i, column j is key j: block the entries where j is larger than i."),
        Mistake(_weights_wrong_axis, "the softmax runs over the queries: each row (one query) must sum to 1 "
                "over the keys.", "Normalise along the keys' axis, the last one."),
        Mistake(_weights_scaled_by_length, "the scale uses the sentence length: it depends on the width of "
                "q and k (the features), not on how many positions there are.",
                "Shapes: q is (N, L, Dk); the scale uses Dk."),
        Mistake(_weights_causal_zeroed_after, "future weights were set to 0 after the softmax, so the rows no "
                "longer sum to 1.",
                "Block the future before normalising: a score of minus infinity gets exactly zero weight."),
    ]
    with np.errstate(all="ignore"):
        return check_function("attention_weights", attention_weights, _attention_weights, _weights_cases(),
                              mistakes=mistakes,
                              hint="scaled dot-product attention: one score per (query, key) pair, scaled, "
                                   "future keys blocked when causal, then a softmax that makes each query's "
                                   "weights a distribution over the keys.",
                              more="The result is (N, L, L); check that each row sums to 1 and, with causal, "
                                   "that everything above the diagonal is 0.")


# ---- attention_core_backward: back through ctx = softmax(scores) @ v
def _softmax_backward(dout, probs):
    return probs * (dout - (dout * probs).sum(axis=-1, keepdims=True))


def _core_backward(dctx, probs, v):
    dprobs = dctx @ v.transpose(0, 2, 1)  # (N, L, Dv) x (N, Dv, L) -> (N, L, L)
    dv = probs.transpose(0, 2, 1) @ dctx  # (N, L, L) x (N, L, Dv) -> (N, L, Dv)
    return _softmax_backward(dprobs, probs), dv


def _core_no_sum(dctx, probs, v):
    return probs * (dctx @ v.transpose(0, 2, 1)), probs.transpose(0, 2, 1) @ dctx


def _core_wrong_axis(dctx, probs, v):
    dprobs = dctx @ v.transpose(0, 2, 1)
    return probs * (dprobs - (dprobs * probs).sum(axis=-2, keepdims=True)), probs.transpose(0, 2, 1) @ dctx


def _core_dv_untransposed(dctx, probs, v):
    return _core_backward(dctx, probs, v)[0], probs @ dctx


def _core_skips_softmax(dctx, probs, v):
    return dctx @ v.transpose(0, 2, 1), probs.transpose(0, 2, 1) @ dctx


def _core_dv_from_values(dctx, probs, v):
    return _core_backward(dctx, probs, v)[0], probs.transpose(0, 2, 1) @ v


def _core_cases():
    rng = np.random.default_rng(_RNG_SEED + 1)
    probs = _softmax(rng.standard_normal((2, 3, 3)))
    v, dctx = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 4))
    uniform = np.full((1, 4, 4), 0.25)
    return [Case("2 sentences of 3 positions, values of width 4", (dctx, probs, v)),
            Case("uniform weights, one sentence of 4", (rng.standard_normal((1, 4, 2)), uniform, rng.standard_normal((1, 4, 2)))),
            Case("values of width 1", (dctx[..., :1], probs, v[..., :1]))]


def check_attention_core_backward(attention_core_backward):
    """Check ``attention_core_backward(dctx, probs, v) -> (dscores, dv)``."""
    mistakes = [
        Mistake(_core_no_sum, "dscores uses only the diagonal of the softmax Jacobian: every weight of a "
                "row depends on every score of that row, through the normaliser.",
                "Derive d p_i / d s_j for i = j and for i != j, then contract with dprobs: a row sum appears."),
        Mistake(_core_wrong_axis, "the softmax sum runs over the wrong axis: each row (one query) is one "
                "softmax.", "The sum that the Jacobian brings in runs over the keys of one query."),
        Mistake(_core_dv_untransposed, "dv needs the transposed weights: value j is used by every query i, "
                "with weight probs[i, j], and collects from all of them.",
                "Write ctx[i] as a sum over j and differentiate by v[j]: which index is summed away?"),
        Mistake(_core_dv_from_values, "dv is built from the values themselves: it must carry the gradient "
                "that comes back from the output (dctx).", "The gradient of a product by one factor is made of "
                "the other factor and the upstream gradient."),
        Mistake(_core_skips_softmax, "that is the gradient with respect to the weights (dprobs): go on "
                "through the softmax to get dscores.",
                "The scores reach the loss through the softmax; apply its backward too."),
    ]
    return check_function("attention_core_backward", attention_core_backward, _core_backward, _core_cases(),
                          mistakes=mistakes, outputs=("dscores", "dv"),
                          hint="two steps back: through the product of the weights with the values (a "
                               "matrix product, batched over sentences), then through the softmax of each row.",
                          more="Check the shapes: dscores like probs (N, L, L), dv like v (N, L, Dv); then "
                               "compare with a numerical gradient on one tiny sentence.")


# ---- layer_norm: normalise each vector over its features
def _layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)  # (..., 1)
    var = x.var(axis=-1, keepdims=True)  # (..., 1), the biased variance
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def _layer_norm_batch_axis(x, gamma, beta, eps=1e-5):
    mean, var = x.mean(axis=0, keepdims=True), x.var(axis=0, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def _layer_norm_unbiased(x, gamma, beta, eps=1e-5):
    mean, var = x.mean(axis=-1, keepdims=True), x.var(axis=-1, ddof=1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def _layer_norm_no_eps(x, gamma, beta, eps=1e-5):
    return _layer_norm(x, gamma, beta, 0.0)


def _layer_norm_cases():
    rng = np.random.default_rng(_RNG_SEED + 2)
    x = rng.standard_normal((2, 3, 4)) * 100 + 1  # variance near 1e4: eps=1e-5 does not show
    gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
    small = rng.standard_normal((1, 2, 4)) * 0.1  # variance near 0.01: eps=0.1 matters
    const = np.full((1, 2, 4), 2.5)
    return [Case("x (2, 3, 4) with gamma and beta", (x, gamma, beta)),
            Case("vectors of small variance, with eps=0.1", (small, np.ones(4), np.zeros(4)), {"eps": 0.1}),
            Case("a constant vector: the variance is 0, eps avoids dividing by it", (const, gamma, beta))]


def _layer_norm_std_plus_eps(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(axis=-1, keepdims=True)) / (x.std(axis=-1, keepdims=True) + eps) + beta


def _layer_norm_gamma_beta_swapped(x, gamma, beta, eps=1e-5):
    return _layer_norm(x, beta, gamma, eps)


def check_layer_norm(layer_norm):
    """Check ``layer_norm(x, gamma, beta, eps=1e-5) -> out``."""
    mistakes = [
        Mistake(_layer_norm_batch_axis, "the statistics are taken over the batch (that is batch norm): "
                "layer norm normalises each vector over its own features.",
                "The mean and variance are computed over the last axis, one pair per vector."),
        Mistake(_layer_norm_unbiased, "the variance is the unbiased one (divided by D - 1): layer norm uses "
                "the plain mean of squared deviations.", "numpy's variance divides by D by default."),
        Mistake(_layer_norm_no_eps, "eps is missing: a constant vector then divides 0 by 0.",
                "eps goes inside, with the variance, before the square root."),
        Mistake(_layer_norm_std_plus_eps, "eps was added to the standard deviation: it belongs with the "
                "variance, under the square root.",
                "With a small variance the two differ; the course follows the layer-norm paper."),
        Mistake(_layer_norm_gamma_beta_swapped, "gamma and beta are swapped: gamma scales the normalised "
                "vector, beta shifts it.", "Scale first, then shift."),
    ]
    with np.errstate(all="ignore"):
        return check_function("layer_norm", layer_norm, _layer_norm, _layer_norm_cases(), mistakes=mistakes,
                              hint="layer normalisation: each vector made to mean 0 and variance 1 over its "
                                   "features (with eps for safety), then scaled and shifted per feature.",
                              more="Keep the reduced axis (keepdims) so the statistics broadcast back over "
                                   "the features.")


# ---- layer_norm_backward: derived by the learner
def _ln_parts(x, eps):
    mean = x.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(x.var(axis=-1, keepdims=True) + eps)  # (..., 1)
    return (x - mean) * rstd, rstd


def _layer_norm_backward(dout, x, gamma, eps=1e-5):
    xhat, rstd = _ln_parts(x, eps)
    axes = tuple(range(x.ndim - 1))  # every axis but the features
    g = dout * gamma  # the gradient with respect to xhat
    dx = rstd * (g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True))
    return dx, (dout * xhat).sum(axis=axes), dout.sum(axis=axes)


def _lnb_constant_stats(dout, x, gamma, eps=1e-5):
    xhat, rstd = _ln_parts(x, eps)
    _, dgamma, dbeta = _layer_norm_backward(dout, x, gamma, eps)
    return rstd * dout * gamma, dgamma, dbeta


def _lnb_no_mean_term(dout, x, gamma, eps=1e-5):
    xhat, rstd = _ln_parts(x, eps)
    g = dout * gamma
    _, dgamma, dbeta = _layer_norm_backward(dout, x, gamma, eps)
    return rstd * (g - xhat * (g * xhat).mean(axis=-1, keepdims=True)), dgamma, dbeta


def _lnb_no_variance_term(dout, x, gamma, eps=1e-5):
    xhat, rstd = _ln_parts(x, eps)
    g = dout * gamma
    _, dgamma, dbeta = _layer_norm_backward(dout, x, gamma, eps)
    return rstd * (g - g.mean(axis=-1, keepdims=True)), dgamma, dbeta


def _lnb_forgets_gamma(dout, x, gamma, eps=1e-5):
    return (_layer_norm_backward(dout, x, np.ones_like(gamma), eps)[0],) + _layer_norm_backward(dout, x, gamma, eps)[1:]


def _lnb_dgamma_without_xhat(dout, x, gamma, eps=1e-5):
    dx, _, dbeta = _layer_norm_backward(dout, x, gamma, eps)
    return dx, dbeta.copy(), dbeta


def _lnb_not_summed(dout, x, gamma, eps=1e-5):
    dx, _, _ = _layer_norm_backward(dout, x, gamma, eps)
    xhat, _ = _ln_parts(x, eps)
    return dx, (dout * xhat).reshape(-1, x.shape[-1])[0], dout.reshape(-1, x.shape[-1])[0]


def _lnb_cases():
    rng = np.random.default_rng(_RNG_SEED + 3)
    x, dout = rng.standard_normal((2, 3, 5)) * 3 + 1, rng.standard_normal((2, 3, 5))
    gamma = rng.standard_normal(5)
    return [Case("x (2, 3, 5) with gamma", (dout, x, gamma)),
            Case("one vector of 4 features, eps=0.1", (dout[0, :1, :4], x[0, :1, :4], gamma[:4]), {"eps": 0.1}),
            Case("x (4, 5), no middle axis", (dout[:, :2].reshape(4, 5), x[:, :2].reshape(4, 5), gamma))]


def check_layer_norm_backward(layer_norm_backward):
    """Check ``layer_norm_backward(dout, x, gamma, eps=1e-5) -> (dx, dgamma, dbeta)``."""
    mistakes = [
        Mistake(_lnb_constant_stats, "dx treats the mean and the variance as constants: both are computed "
                "from x, so changing one entry of x moves every output of its vector.",
                "There are three paths from x_i to the output: directly, through the mean, and through the "
                "variance. Derive the two indirect ones."),
        Mistake(_lnb_no_mean_term, "dx misses the path through the mean: each x_i moves the mean, which every "
                "output of the vector subtracts.", "Differentiate the mean by x_i: 1/D for every i."),
        Mistake(_lnb_no_variance_term, "dx misses the path through the variance: each x_i moves the variance, "
                "which scales every output of the vector.",
                "Differentiate the variance by x_i, then 1/sqrt(var + eps) by the variance."),
        Mistake(_lnb_forgets_gamma, "dx forgets gamma: the gradient reaching the normalised vector is dout "
                "times gamma.", "Go back through the scale and shift first, then through the normalisation."),
        Mistake(_lnb_dgamma_without_xhat, "dgamma leaves out the normalised input that gamma multiplies.",
                "out = gamma * xhat + beta: which factor does dgamma need?"),
        Mistake(_lnb_not_summed, "dgamma and dbeta come from one vector only: gamma and beta are shared by "
                "every vector of the batch, so their gradients add up over all of them.",
                "Sum over every axis but the last."),
    ]
    with np.errstate(all="ignore"):
        return check_function("layer_norm_backward", layer_norm_backward, _layer_norm_backward, _lnb_cases(),
                              mistakes=mistakes, outputs=("dx", "dgamma", "dbeta"),
                              hint="the chain rule through layer norm: the scale and shift, then the "
                                   "normalisation, whose mean and variance both depend on every entry of the "
                                   "vector.",
                              more="Shapes: dx like x, dgamma and dbeta like gamma (D,). Check your dx with a "
                                   "numerical gradient on one vector of 3 features.")


# ---- scaling_sweep (an experiment): why attention divides by sqrt(Dk)
DIMS = (4, 16, 64, 256)


def _scaling_sweep(dims, n_positions=8, seed=0):
    rng = np.random.default_rng(seed)
    scaled, unscaled = [], []
    for d in dims:
        q, k = rng.standard_normal((200, n_positions, d)), rng.standard_normal((200, n_positions, d))
        scaled.append(float(_attention_weights(q, k).max(axis=-1).mean()))
        unscaled.append(float(_softmax(q @ k.transpose(0, 2, 1)).max(axis=-1).mean()))
    return scaled, unscaled


def _scaling_tests(result, dims):
    def parts():
        scaled, unscaled = (np.asarray(p, dtype=float) for p in result)
        return scaled, unscaled

    def shaped():
        s, u = parts()
        return s.shape == u.shape == (len(dims),) and np.all((s > 0) & (s <= 1) & (u > 0) & (u <= 1))

    return [
        ("two lists (scaled, unscaled) of one mean largest weight per width, each between 0 and 1", shaped,
         "return (scaled, unscaled), each with one number per width in dims: the mean over queries of the "
         "largest attention weight."),
        ("with scaling, the largest weight stays about the same at every width (within 0.06)",
         lambda: np.ptp(parts()[0]) < 0.06 and np.all((parts()[0] > 0.25) & (parts()[0] < 0.45)),
         "with scaling, the scores have the same spread at every width: check that you divide by the square "
         "root of the width you are using."),
        ("without scaling, the largest weight grows with the width (by more than 0.2 over the sweep)",
         lambda: np.all(np.diff(parts()[1]) > 0) and parts()[1][-1] - parts()[1][0] > 0.2,
         "without scaling, a dot product of d random features has a spread that grows like the square root of d."),
        ("without scaling, at width 256 the softmax is nearly one-hot (largest weight above 0.9)",
         lambda: parts()[1][-1] > 0.9, "use random queries and keys with standard normal entries."),
        ("at width 4 the two are close (the scale is only 2)", lambda: parts()[1][0] - parts()[0][0] < 0.35,
         "at small widths the scale changes little; recheck the first width."),
    ]


def check_scaling_sweep(scaling_sweep):
    """Run ``scaling_sweep(dims) -> (scaled, unscaled)`` and check that its numbers are plausible."""
    return run_experiment("scaling_sweep", scaling_sweep, _scaling_sweep, (DIMS,),
                          lambda result: _scaling_tests(result, DIMS))
