"""Lesson 11's helpers: the exact excess loss, the power-law fits, the shipped table and its script."""
import ast
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import sslcourse as sc
from sslcourse import scaling, scaling_runs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def language():
    return sc.data.ToyLanguage()


class Uniform(torch.nn.Module):
    """Equal logits for every word: its excess over the Bayes limit is log V - E exactly."""

    def __init__(self, V, pad_id=0, mask_id=1):
        super().__init__()
        self.vocab_size, self.pad_id, self.mask_id = V, pad_id, mask_id
        self.bias = torch.nn.Parameter(torch.zeros(V))

    def forward(self, ids):
        return self.bias.expand(*ids.shape, self.vocab_size)  # (N, L, V)


class Oracle(Uniform):
    """The exact posterior at the hidden position, tabulated from the language's sentences: excess 0."""

    def __init__(self, language):
        super().__init__(len(language.vocab))
        self.posteriors = {}  # masked sentence (tuple of ids) -> log posterior (V,)
        for length, (rows, joint) in language.table.items():
            p = joint.sum(axis=1)
            for i in range(length):
                for row, p_row in zip(rows.tolist(), p):
                    key = tuple(row[:i] + [self.mask_id] + row[i + 1:])
                    self.posteriors.setdefault(key, np.zeros(self.vocab_size))[row[i]] += p_row
        self.posteriors = {k: np.log(np.maximum(v / v.sum(), 1e-300)) for k, v in self.posteriors.items()}

    def forward(self, ids):
        out = torch.zeros(*ids.shape, self.vocab_size, dtype=torch.float64)
        for n, row in enumerate(ids.tolist()):
            words = tuple(i for i in row if i != self.pad_id)
            out[n, words.index(self.mask_id)] = torch.from_numpy(self.posteriors[words])
        return out


def test_uniform_model_excess_is_log_V_minus_the_bayes_cross_entropy(language):
    small = sc.data.ToyLanguage("small")
    score = scaling.exact_score(Uniform(len(small.vocab)), small)
    assert score.excess == pytest.approx(math.log(len(small.vocab)) - sc.data.bayes_limit(small).cross_entropy, rel=1e-9)
    assert sc.data.bayes_limit(language).cross_entropy == pytest.approx(1.0293, abs=1e-4)  # the lesson's E
    assert sum(len(rows) for rows, _ in language.table.values()) == 99_144


def test_exact_posterior_has_zero_excess_and_the_bayes_accuracy():
    small = sc.data.ToyLanguage("small")
    score = scaling.exact_score(Oracle(small), small)
    assert abs(score.excess) < 1e-9
    assert score.accuracy == pytest.approx(sc.data.bayes_limit(small).accuracy, rel=1e-9)
    assert score.fraction_of_bayes == pytest.approx(1.0)


def test_exact_score_rejects_wrong_inputs(language):
    with pytest.raises(TypeError, match="language must be a sc.data.ToyLanguage"):
        scaling.exact_score(Uniform(10), "text")
    with pytest.raises(ValueError, match="vocab_size=len"):
        scaling.exact_score(Uniform(10), language)


def test_fit_power_law_recovers_a_known_exponent():
    D = np.array([100, 300, 1000, 3000, 10000])
    fit = scaling.fit_power_law(D, 110 * D**-0.91)
    assert fit.alpha == pytest.approx(0.91) and fit.A == pytest.approx(110) and fit.r2 == pytest.approx(1.0)
    noisy = 110 * D**-0.91 * np.exp(np.random.default_rng(0).normal(0, 0.05, len(D)))
    assert 0.85 < scaling.fit_power_law(D, noisy).alpha < 0.97


def test_fit_free_floor_finds_the_floor_of_clean_data():
    D = np.array([100, 300, 1000, 3000, 10000, 30000])
    fit = scaling.fit_free_floor(D, 1.0293 + 110 * D**-0.91)
    assert fit.E == pytest.approx(1.0293, abs=2e-3) and fit.alpha == pytest.approx(0.91, abs=0.03)


def test_fits_reject_bad_input():
    with pytest.raises(ValueError, match="positive"):
        scaling.fit_power_law([1, 2, 3], [1.0, -1.0, 0.5])
    with pytest.raises(ValueError, match="at least 3"):
        scaling.fit_power_law([1, 2], [1.0, 0.5])
    with pytest.raises(ValueError, match="same length"):
        scaling.fit_free_floor([1, 2, 3], [1.0, 0.5, 0.4, 0.3])


def test_bootstrap_alpha_spreads_around_the_fit():
    D = np.repeat([100, 1000, 10000], 2)
    excess = 50 * D**-0.8 * np.array([1.1, 0.9] * 3)
    alphas = scaling.bootstrap_alpha(D, excess, rng=np.random.default_rng(0), draws=200)
    assert alphas.shape == (200,) and alphas.min() < 0.8 < alphas.max()


def test_table_has_every_axis_and_the_smallest_model_is_lesson_04s(language):
    rows = scaling.read_table()
    axes = {r["axis"] for r in rows}
    assert axes == {"data", "context", "model"}
    data = [r for r in rows if r["axis"] == "data"]
    assert {r["n_params"] for r in data} == {24_786}
    assert sorted({r["n_sentences"] for r in data}) == [100, 300, 1000, 3000, 10000, 30000]
    assert all(0 < r["excess"] < math.log(len(language.vocab)) for r in rows)


def test_curve_repr_and_best(language):
    curve = scaling_runs.Curve((50, 100, 150), (2.0, 1.0, 0.5), (2.1, 1.8, 1.9))
    assert curve.best == 1 and "best held-out 1.800 at step 100" in repr(curve)
    with pytest.raises(ValueError, match="kind must be one of"):
        scaling_runs.make_model(language, kind="gpt")


def test_script_reproduces_the_tables_smallest_point():
    """tools/make_scaling_table.py remakes the D = 100, seed 0 row: excess within 15%, accuracy within 0.03."""
    row = next(r for r in scaling.read_table() if r["axis"] == "data" and r["n_sentences"] == 100 and r["seed"] == 0)
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "make_scaling_table.py"), "--only", "data:encoder:100:0"],
                         capture_output=True, text=True, check=True, timeout=600).stdout
    again = ast.literal_eval(out.strip().splitlines()[-1])  # the row, printed as a dict of str and int
    assert float(again["excess"]) == pytest.approx(row["excess"], rel=0.15)
    assert float(again["fraction_of_bayes"]) == pytest.approx(row["fraction_of_bayes"], abs=0.03)
