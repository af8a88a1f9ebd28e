"""Scaling in miniature (lesson 11): excess loss over the exact Bayes limit, and power laws fitted to it.

The toy language lists every sentence it makes with its probability (``language.table``), so a
model's loss can be scored *exactly*: not on a sample of held-out sentences but on all of them,
weighted by their probability. What is left above the Bayes limit is the *excess loss*, the
Kullback-Leibler divergence (KL) of the model's predictions to the exact posterior:

    excess = sum over sentences s, positions i of  P(s) / len(s) * log( post(w_si | ctx) / q(w_si | ctx) )

Training with early stopping and the sweep settings live in ``sslcourse.scaling_runs``.
Shape letters: N sentences, L positions, V vocabulary, U distinct contexts.
"""
from __future__ import annotations

import csv
import importlib.resources
from dataclasses import dataclass

import numpy as np

from ._validation import check_array, check_rng

__all__ = ["ExactScore", "PowerLaw", "bootstrap_alpha", "exact_score", "fit_free_floor", "fit_power_law",
           "read_table"]


@dataclass(frozen=True)
class ExactScore:
    """A model scored on every sentence of the language, weighted by its probability.

    Attributes
    ----------
    excess : float, KL to the exact posterior in nats (0 is the Bayes limit)
    accuracy : float, the expected accuracy of the model's most probable word
    bayes_accuracy, bayes_cross_entropy : float, the exact Bayes limit of the task
    """

    excess: float
    accuracy: float
    bayes_accuracy: float
    bayes_cross_entropy: float

    @property
    def fraction_of_bayes(self):
        """accuracy / bayes_accuracy."""
        return self.accuracy / self.bayes_accuracy

    def __repr__(self):
        return (f"ExactScore(excess={self.excess:.4f} nats, accuracy={self.accuracy:.4f}, "
                f"{self.fraction_of_bayes:.3f} of Bayes)")


def _contexts(rows, position, vocab_size):
    """Distinct sentences-with-``position``-hidden: (first row of each, inverse (S,))."""
    context = np.delete(rows, position, axis=1)  # (S, l-1)
    keys = context @ (vocab_size ** np.arange(context.shape[1], dtype=np.int64))  # (S,)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def exact_score(model, language, *, batch_size=4096):
    """Score a torch masked-word model on every sentence and position of ``language``, exactly.

    One word is hidden at a uniform position, as in ``sc.tasks``; each distinct context is run
    through the model once. Takes a few seconds (about 190,000 contexts for the default language).

    Parameters
    ----------
    model : torch masked-word model (``sc.nn_torch.TransformerEncoder``, ``ContextModel``, ...)
    language : sc.data.ToyLanguage
    batch_size : int, contexts per forward pass

    Returns
    -------
    ExactScore
    """
    from .train import predict_proba

    if not hasattr(language, "table"):
        raise TypeError(f"language must be a sc.data.ToyLanguage, got {type(language).__name__}. "
                        f"Only the toy language knows every sentence's probability.")
    V, L, pad = len(language.vocab), language.max_length, language.vocabulary.pad_id
    if getattr(model, "vocab_size", None) != V:
        raise ValueError(f"model must predict over the language's {V} words, got vocab_size = "
                         f"{getattr(model, 'vocab_size', None)}. Build it with vocab_size=len(language.vocab).")
    excess = accuracy = 0.0
    for length, (rows, joint) in language.table.items():
        p = joint.sum(axis=1)  # (S,) probability of each sentence
        padded = np.pad(rows, ((0, 0), (0, L - length)), constant_values=pad)  # (S, L)
        for i in range(length):
            first, inverse = _contexts(rows, i, V)
            p_context = np.bincount(inverse, weights=p)  # (U,)
            mask = np.zeros((len(first), L), dtype=bool)
            mask[:, i] = True
            q = predict_proba(model, padded[first], mask, batch_size=batch_size)  # (U, V)
            q_word = np.maximum(q[inverse, rows[:, i]], 1e-300)  # (S,) the model's prob. of the true word
            excess += (p * (np.log(p / p_context[inverse]) - np.log(q_word))).sum() / length
            guess_right = q.argmax(axis=1)[inverse] == rows[:, i]  # (S,)
            accuracy += p[guess_right].sum() / length
    from .data.bayes import bayes_limit

    bayes = bayes_limit(language)
    return ExactScore(float(excess), float(accuracy), bayes.accuracy, bayes.cross_entropy)


@dataclass(frozen=True)
class PowerLaw:
    """``loss = E + A * x**-alpha``; ``r2`` of the straight line on log-log axes."""

    A: float
    alpha: float
    E: float
    r2: float

    def __call__(self, x):
        """The fitted excess ``A * x**-alpha`` (without E) at ``x``."""
        return self.A * np.asarray(x, dtype=float) ** -self.alpha

    def __repr__(self):
        return f"PowerLaw(excess = {self.A:.3g} * x^-{self.alpha:.3f}, E = {self.E:.4f}, R^2 = {self.r2:.4f})"


def _positive(x, name):
    x = check_array(x, name, ndim=1, dtype_kind="iuf").astype(float)
    if len(x) < 3 or not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise ValueError(f"{name} must hold at least 3 positive finite numbers (a log is taken), got {x!r:.80}.")
    return x


def _line(x, y):
    """Least-squares y = a + b x; returns (a, b, r2)."""
    b, a = np.polyfit(x, y, 1)
    residual = y - (a + b * x)
    return a, b, 1.0 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))


def fit_power_law(sizes, excess, *, E=0.0):
    """Fit ``excess = A * sizes**-alpha`` as a straight line on log-log axes (the floor E known).

    Parameters
    ----------
    sizes : (M,) positive numbers, e.g. sentences D
    excess : (M,) positive numbers, the loss above the known floor, in nats
    E : float, the floor, only recorded in the result

    Returns
    -------
    PowerLaw
    """
    x, y = _positive(sizes, "sizes"), _positive(excess, "excess")
    if len(x) != len(y):
        raise ValueError(f"sizes and excess must have the same length, got {len(x)} and {len(y)}.")
    a, b, r2 = _line(np.log(x), np.log(y))
    return PowerLaw(float(np.exp(a)), float(-b), float(E), float(r2))


def fit_free_floor(sizes, loss, *, grid=4000):
    """Fit ``loss = E + A * sizes**-alpha`` with E unknown, as a real scaling study must.

    E is searched on a grid below ``min(loss)``; for each, A and alpha come from the log-log line
    of ``loss - E``, and the E kept is the one whose curve is closest to ``log(loss)``.

    Returns
    -------
    PowerLaw (its ``r2`` is the log-log line's at the chosen E)
    """
    x, y = _positive(sizes, "sizes"), _positive(loss, "loss")
    if len(x) != len(y):
        raise ValueError(f"sizes and loss must have the same length, got {len(x)} and {len(y)}.")
    best = None
    for E in np.linspace(0.0, y.min(), grid, endpoint=False):
        a, b, r2 = _line(np.log(x), np.log(y - E))
        residual = np.log(E + np.exp(a) * x**b) - np.log(y)
        if best is None or residual @ residual < best[0]:
            best = (residual @ residual, PowerLaw(float(np.exp(a)), float(-b), float(E), float(r2)))
    return best[1]


def bootstrap_alpha(sizes, excess, *, rng, draws=1000):
    """Exponents of ``fit_power_law`` over resamples: at each size, one of its runs drawn with replacement.

    Parameters
    ----------
    sizes : (M,) sizes, each repeated once per run (seed)
    excess : (M,) the runs' excess losses
    rng : numpy.random.Generator

    Returns
    -------
    ndarray (draws,) of alpha
    """
    x, y = _positive(sizes, "sizes"), _positive(excess, "excess")
    check_rng(rng)
    groups = [np.flatnonzero(x == s) for s in np.unique(x)]
    alphas = []
    for _ in range(draws):
        picked = np.concatenate([rng.choice(g, size=len(g)) for g in groups])
        alphas.append(fit_power_law(x[picked], y[picked]).alpha)
    return np.array(alphas)


def read_table(name="scaling_table.csv"):
    """The sweep that ``tools/make_scaling_table.py`` made, shipped in ``sslcourse/data``.

    Returns
    -------
    list of dict, one per run: text columns as str, the others as float
    """
    text = importlib.resources.files("sslcourse.data").joinpath(name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))

    def value(v):
        try:
            return float(v)
        except ValueError:
            return v

    return [{k: value(v) for k, v in row.items()} for row in rows]
