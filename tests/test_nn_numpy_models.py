"""The numpy models and their training loop: full-backward gradient checks, determinism, errors."""
import re

import numpy as np
import pytest

import sslcourse as sc
from sslcourse.nn_numpy.gradcheck import numerical_gradient, relative_error
from sslcourse.nn_numpy.layers import softmax_cross_entropy
from sslcourse.nn_numpy.models import ContextModel, Encoder

V, L = 9, 4


def tiny(kind, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "context":
        return ContextModel(V, L, dim=3, hidden=5, rng=rng, dtype=dtype)
    return Encoder(V, L, dim=4, n_layers=2, mlp_dim=6, rng=rng, dtype=dtype)


def batch():
    """ids (3, 4) with MASK (1) and padding (0), targets, and a mask of hidden positions."""
    ids = np.array([[3, 1, 5, 6], [1, 7, 0, 0], [4, 8, 1, 0]])
    targets = np.array([[3, 4, 5, 6], [8, 7, 0, 0], [4, 8, 2, 0]])
    return ids, targets, ids == 1


@pytest.mark.parametrize("kind", ["context", "encoder"])
def test_full_backward_matches_numerical_gradient(kind):
    model = tiny(kind)
    ids, targets, mask = batch()
    logits, cache = model.forward(ids)
    _, dlogits = softmax_cross_entropy(logits, targets, mask)
    grads = model.backward(dlogits, cache)
    assert list(grads) == list(model.params)

    def loss(_):
        return softmax_cross_entropy(model.forward(ids)[0], targets, mask)[0]

    for name, p in model.params.items():
        assert grads[name].shape == p.shape and grads[name].dtype == np.float64
        error = relative_error(grads[name], numerical_gradient(loss, p))
        assert error < 1e-7, f"{kind} d{name}: relative error {error:.1e}"


def test_parameter_names_and_shapes_are_the_documented_ones():
    shapes = {k: v.shape for k, v in tiny("context").params.items()}
    assert shapes == {"E": (V, 3), "P": (L, 3), "W1": (L * 3, 5), "b1": (5,), "W2": (5, L * V), "b2": (L * V,)}
    enc = tiny("encoder").params
    per_block = {"ln1.gamma": (4,), "ln1.beta": (4,), "attn.Wq": (4, 4), "attn.Wk": (4, 4), "attn.Wv": (4, 4),
                 "attn.Wo": (4, 4), "ln2.gamma": (4,), "ln2.beta": (4,), "mlp.W1": (4, 6), "mlp.b1": (6,),
                 "mlp.W2": (6, 4), "mlp.b2": (4,)}
    expected = {"E": (V, 4), "P": (L, 4), "ln_f.gamma": (4,), "ln_f.beta": (4,), "W_out": (4, V), "b_out": (V,)}
    expected.update({f"blocks.{i}.{k}": s for i in range(2) for k, s in per_block.items()})
    assert {k: v.shape for k, v in enc.items()} == expected


def test_the_same_rng_gives_the_same_model_and_float32_keeps_its_dtype():
    a, b = tiny("encoder", seed=3), tiny("encoder", seed=3)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    small = tiny("encoder", dtype=np.float32)
    logits, _ = small.forward(batch()[0])
    assert logits.dtype == np.float32 and all(p.dtype == np.float32 for p in small.params.values())


def test_predict_proba_gives_one_distribution_per_hidden_position():
    ids, _, mask = batch()
    for kind in ("context", "encoder"):
        probs = tiny(kind).predict_proba(ids, mask)
        assert probs.shape == (int(mask.sum()), V) and probs.dtype == np.float64
        np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def test_encoder_ignores_padding():
    """Padding is never attended to, so extra padding changes nothing at the real positions."""
    model = tiny("encoder")
    short = np.array([[3, 1, 5]])
    padded = np.array([[3, 1, 5, 0]])
    np.testing.assert_allclose(model.forward(short)[0], model.forward(padded)[0][:, :3], atol=1e-12)


def test_attention_weights_are_returned_on_request():
    logits, cache, weights = tiny("encoder").forward(batch()[0], return_attention=True)
    assert len(weights) == 2 and weights[0].shape == (3, L, L)
    np.testing.assert_allclose(weights[0].sum(axis=-1), 1.0)
    assert np.all(weights[0][1, :, 2:] < 1e-12)  # sentence 1 has padding at positions 2 and 3


def small_corpus():
    rng = np.random.default_rng(0)
    ids = rng.integers(3, V, size=(40, L))
    ids[::3, 3] = 0
    return ids


@pytest.mark.parametrize("kind", ["context", "encoder"])
def test_training_is_deterministic_and_lowers_the_loss(kind):
    runs = []
    for _ in range(2):
        model = tiny(kind)
        history = sc.nn_numpy.train(model, small_corpus(), steps=30, batch_size=8, lr=1e-2,
                                    rng=np.random.default_rng(5), progress=False)
        runs.append(history)
    assert runs[0].losses == runs[1].losses and len(runs[0].losses) == 30
    other = sc.nn_numpy.train(tiny(kind), small_corpus(), steps=30, batch_size=8, lr=1e-2,
                              rng=np.random.default_rng(6), progress=False)
    assert other.losses != runs[0].losses
    assert np.mean(runs[0].losses[-10:]) < np.mean(runs[0].losses[:10])


def test_history_records_evaluations_and_has_a_stable_repr():
    language = sc.data.ToyLanguage("small")
    rng = np.random.default_rng(0)
    ids = language.encode(language.sample(50, rng=rng), length=language.max_length)
    task = sc.tasks.make_fill_in_task(language, 20, rng=rng)
    model = Encoder(len(language.vocab), language.max_length, dim=8, n_layers=1, mlp_dim=8, rng=rng)
    history = sc.nn_numpy.train(model, ids, steps=6, batch_size=4, rng=rng, eval_task=task, eval_every=4,
                                progress=False, optimizer="sgd", schedule="constant")
    assert history.eval_steps == (4, 6) and len(history.eval_accuracy) == 2
    assert all(0 <= a <= 1 for a in history.eval_accuracy)
    assert repr(history) == "History(6 steps, 2 evaluations)"
    assert history.smoothed_losses(3).shape == (6,)
    assert repr(model) == "Encoder(V=88, L=7, D=8, n_layers=1, F=8, 2,000 parameters, float64)"


# ---- bad input: each message names the argument, what was expected and what came
def expect(error, message, fn, *args, **kwargs):
    with pytest.raises(error, match=re.escape(message)):
        fn(*args, **kwargs)


def test_model_errors():
    model = tiny("encoder")
    rng = np.random.default_rng(0)
    expect(ValueError, "ids must hold ids in [0, 9) for a vocabulary of 9 words, got 9.", model.forward,
           np.array([[3, 9]]))
    expect(TypeError, "ids must have an integer dtype, got float64. Convert it with ids.astype(np.int64).",
           model.forward, np.array([[3.0, 1.0]]))
    expect(ValueError, "ids must have 2 axes, got shape (4,) (1 axes).", model.forward, np.array([3, 1, 5, 6]))
    expect(ValueError, "ids must have at most length = 4 positions, got shape (1, 5).", model.forward,
           np.ones((1, 5), int))
    expect(ValueError, "ids must have exactly length = 4 positions for a ContextModel, got shape (1, 3). "
           "Pad the sentences to it: language.encode(sentences, length=4).", tiny("context").forward,
           np.ones((1, 3), int))
    ids, _, mask = batch()
    expect(TypeError, "mask must be a bool array (True = hidden), got dtype float64.", model.predict_proba,
           ids, mask.astype(float))
    expect(ValueError, "mask must have shape (3, 4) to match the data, got (3, 3).", model.predict_proba,
           ids, mask[:, :3])
    logits, cache = model.forward(ids)
    expect(ValueError, "dlogits must have the shape of the logits, (3, 4, 9), got (3, 4, 8).", model.backward,
           logits[..., :8], cache)
    expect(TypeError, "dtype must be a float type like np.float32 or np.float64, got int64.", Encoder, V, L,
           rng=rng, dtype=np.int64)
    expect(TypeError, "rng must be a numpy.random.Generator, got int.", ContextModel, V, L, rng=0)
    expect(ValueError, "mask_id must be at most 8, got 9.", Encoder, V, L, rng=rng, mask_id=9)
    expect(ValueError, "n_layers must be at least 1, got 0.", Encoder, V, L, rng=rng, n_layers=0)


def test_training_errors():
    model, ids, rng = tiny("context"), small_corpus(), np.random.default_rng(0)
    kwargs = dict(steps=2, rng=rng, progress=False)
    expect(ValueError, "mask_ratio must lie in (0.0, 1.0), got 1.5.", sc.nn_numpy.train, model, ids,
           mask_ratio=1.5, **kwargs)
    expect(ValueError, "rates must be three non-negative numbers summing to 1 (mask token, random word, "
           "unchanged), got (0.8, 0.1, 0.2).", sc.nn_numpy.train, model, ids, rates=(0.8, 0.1, 0.2), **kwargs)
    expect(ValueError, "ids must hold ids in [0, 9) for a vocabulary of 9 words, got 11.", sc.nn_numpy.train,
           model, ids + 3, **kwargs)
    expect(ValueError, "ids must have exactly length = 4 positions for a ContextModel, got shape (40, 3).",
           sc.nn_numpy.train, model, ids[:, :3], **kwargs)
    expect(ValueError, "optimizer must be one of ('adam', 'sgd'), got 'adamw'.", sc.nn_numpy.train, model, ids,
           optimizer="adamw", **kwargs)
    expect(ValueError, "schedule must be one of ('cosine', 'constant'), got 'linear'.", sc.nn_numpy.train,
           model, ids, schedule="linear", **kwargs)
    expect(TypeError, "eval_task must be a task from sc.tasks.make_fill_in_task or None, got tuple.",
           sc.nn_numpy.train, model, ids, eval_task=(ids, ids), **kwargs)
    expect(ValueError, "steps must be at least 1, got 0.", sc.nn_numpy.train, model, ids, steps=0, rng=rng)
    expect(TypeError, "model must have .params, .forward and .backward", sc.nn_numpy.train, object(), ids,
           **kwargs)
    expect(ValueError, "lr must lie in (0.0, inf), got -0.1.", sc.nn_numpy.train, model, ids, lr=-0.1, **kwargs)
