"""Tests for sslcourse.nn_numpy.layers and sslcourse.nn_numpy.gradcheck.

Gradient checks run in float64 and pass when ``gradcheck.relative_error`` (the largest
absolute difference over the largest magnitude) is below THRESHOLD = 1e-7.
Oracle tests compare every forward and every gradient with torch autograd, in float64,
to TOL = 1e-10.
"""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sslcourse.nn_numpy import gradcheck, layers

THRESHOLD = 1e-7
TOL = 1e-10


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def assert_close(ours, theirs):
    np.testing.assert_allclose(ours, theirs, rtol=TOL, atol=TOL)


def torch_run(fn, arrays, dout):
    """Forward ``fn`` on float64 tensors, backpropagate ``dout``: (out, [grads])."""
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    out.backward(torch.from_numpy(dout))
    return out.detach().numpy(), [t.grad.numpy() for t in tensors]


def check_grads(name, forward, backward, inputs, rng):
    results = gradcheck.check_layer_gradients(name, forward, backward, inputs, rng=rng,
                                              threshold=THRESHOLD, verbose=False)
    assert all(r.passed for r in results), [(r.label, r.error) for r in results]


def oracle(forward, backward, torch_fn, arrays, rng):
    """Our forward and backward against torch's on the same inputs and the same dout."""
    out, cache = forward(*arrays)
    dout = rng.standard_normal(out.shape)
    grads = backward(dout, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    torch_out, torch_grads = torch_run(torch_fn, arrays, dout)
    assert_close(out, torch_out)
    assert len(grads) == len(torch_grads)
    for ours, theirs in zip(grads, torch_grads):
        assert_close(ours, theirs)


# ---- linear, embedding, layer norm, activations -------------------------------------

@pytest.mark.parametrize("x_shape", [(4,), (3, 4), (2, 3, 4)])
def test_linear(x_shape, rng):
    x, W, b = rng.standard_normal(x_shape), rng.standard_normal((4, 5)), rng.standard_normal(5)
    check_grads("linear", layers.linear_forward, layers.linear_backward, {"x": x, "W": W, "b": b}, rng)
    oracle(layers.linear_forward, layers.linear_backward, lambda x, W, b: x @ W + b, [x, W, b], rng)


def test_linear_keeps_float32(rng):
    x, W, b = (rng.standard_normal(s).astype(np.float32) for s in ((3, 4), (4, 2), (2,)))
    out, cache = layers.linear_forward(x, W, b)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in layers.linear_backward(np.ones_like(out), cache))


def test_embedding(rng):
    ids = np.array([[0, 2, 2], [4, 0, 1]])  # repeated ids must add up their gradients
    E = rng.standard_normal((5, 3))
    forward = lambda E: layers.embedding_forward(ids, E)  # noqa: E731
    check_grads("embedding", forward, layers.embedding_backward, {"E": E}, rng)
    oracle(forward, layers.embedding_backward, lambda E: F.embedding(torch.from_numpy(ids), E), [E], rng)


def test_layer_norm(rng):
    x = rng.standard_normal((2, 3, 6)) * 3 + 1
    gamma, beta = rng.standard_normal(6), rng.standard_normal(6)
    inputs = {"x": x, "gamma": gamma, "beta": beta}
    check_grads("layer_norm", layers.layer_norm_forward, layers.layer_norm_backward, inputs, rng)
    torch_ln = lambda x, g, b: F.layer_norm(x, (6,), g, b, eps=1e-5)  # noqa: E731
    oracle(layers.layer_norm_forward, layers.layer_norm_backward, torch_ln, [x, gamma, beta], rng)


def away_from_zero(rng, shape):
    x = rng.standard_normal(shape)
    return x + np.sign(x) * 0.1  # no entry within 0.1 of the ReLU kink


@pytest.mark.parametrize("name, torch_fn", [
    ("relu", F.relu),
    ("gelu", lambda x: F.gelu(x, approximate="tanh")),
])
def test_activations(name, torch_fn, rng):
    forward, backward = getattr(layers, f"{name}_forward"), getattr(layers, f"{name}_backward")
    x = away_from_zero(rng, (3, 7)) * 2
    check_grads(name, forward, backward, {"x": x}, rng)
    oracle(forward, backward, torch_fn, [x], rng)


def test_softmax_and_its_backward(rng):
    x = rng.standard_normal((2, 3, 5))
    forward = lambda x: (layers.softmax(x), layers.softmax(x))  # noqa: E731
    backward = lambda dout, probs: layers.softmax_backward(dout, probs)  # noqa: E731
    check_grads("softmax", forward, backward, {"x": x}, rng)
    oracle(forward, backward, lambda x: torch.softmax(x, dim=-1), [x], rng)


def test_softmax_is_stable_for_large_inputs():
    probs = layers.softmax(np.array([[1e4, 0.0, -1e4], [1e4, 1e4, 1e4]]))
    assert np.all(np.isfinite(probs))
    assert_close(probs, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]])


# ---- attention ------------------------------------------------------------------------

PADDING = np.array([[False, False, False, False], [False, False, True, True]])  # (N, L)


def attention_inputs(rng, D=6, Dk=3, Dv=4):
    return {"x": rng.standard_normal((2, 4, D)), "Wq": rng.standard_normal((D, Dk)),
            "Wk": rng.standard_normal((D, Dk)), "Wv": rng.standard_normal((D, Dv)),
            "Wo": rng.standard_normal((Dv, D))}


def torch_attention(causal, key_mask):
    """The same attention with torch's own scaled_dot_product_attention."""
    def fn(x, Wq, Wk, Wv, Wo):
        L = x.shape[1]
        allowed = torch.ones(1, L, L, dtype=torch.bool)  # torch's polarity: True = may attend
        if causal:
            allowed = allowed & torch.ones(L, L, dtype=torch.bool).tril()
        if key_mask is not None:
            allowed = allowed & ~torch.from_numpy(key_mask)[:, None, :]
        return F.scaled_dot_product_attention(x @ Wq, x @ Wk, x @ Wv, attn_mask=allowed) @ Wo
    return fn


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("key_mask", [None, PADDING], ids=["no_padding", "padding"])
def test_attention(causal, key_mask, rng):
    inputs = attention_inputs(rng)

    def forward(*arrays):
        return layers.attention_forward(*arrays, causal=causal, key_mask=key_mask)

    check_grads("attention", forward, layers.attention_backward, inputs, rng)
    oracle(forward, layers.attention_backward, torch_attention(causal, key_mask),
           list(inputs.values()), rng)


def test_attention_ignores_what_it_may_not_see(rng):
    inputs = attention_inputs(rng)
    out, _ = layers.attention_forward(**inputs, causal=True, key_mask=PADDING)
    x = inputs["x"].copy()
    x[1, 2:] += 5.0  # change the padding of row 1
    x[0, 3] += 5.0  # change the last word of row 0, a future word for positions 0..2
    out2, _ = layers.attention_forward(x, *list(inputs.values())[1:], causal=True, key_mask=PADDING)
    assert_close(out2[1, :2], out[1, :2])
    assert_close(out2[0, :3], out[0, :3])


def test_attention_with_an_all_padding_row_stays_finite(rng):
    inputs = attention_inputs(rng)
    key_mask = np.array([[False] * 4, [True] * 4])

    def forward(*arrays):
        return layers.attention_forward(*arrays, key_mask=key_mask)

    out, cache = forward(*inputs.values())
    assert np.all(np.isfinite(out))
    assert all(np.all(np.isfinite(g)) for g in layers.attention_backward(np.ones_like(out), cache))
    check_grads("attention", forward, layers.attention_backward, inputs, rng)


def test_attention_scale_uses_query_width(rng):
    inputs = attention_inputs(rng, Dk=9)
    out, cache = layers.attention_forward(**inputs)
    assert out.shape == (2, 4, 6) and cache[-1] == 1 / 3


# ---- softmax cross-entropy -----------------------------------------------------------

def torch_cross_entropy(logits, targets, mask):
    t = torch.tensor(logits, requires_grad=True)
    keep = torch.ones(targets.shape, dtype=torch.bool) if mask is None else torch.from_numpy(mask)
    loss = F.cross_entropy(t[keep], torch.from_numpy(targets)[keep])
    loss.backward()
    return loss.item(), t.grad.numpy()


@pytest.mark.parametrize("use_mask", [False, True])
def test_softmax_cross_entropy(use_mask, rng):
    logits = rng.standard_normal((2, 5, 7)) * 2
    targets = rng.integers(0, 7, size=(2, 5))
    mask = rng.random((2, 5)) < 0.4 if use_mask else None
    if use_mask:
        mask[0, 0] = True
    loss, dlogits = layers.softmax_cross_entropy(logits, targets, mask)
    torch_loss, torch_dlogits = torch_cross_entropy(logits, targets, mask)
    assert_close(loss, torch_loss)
    assert_close(dlogits, torch_dlogits)
    numeric = gradcheck.numerical_gradient(
        lambda z: layers.softmax_cross_entropy(z, targets, mask)[0], logits)
    assert gradcheck.relative_error(dlogits, numeric) < THRESHOLD
    if use_mask:
        assert np.all(dlogits[~mask] == 0)


def test_softmax_cross_entropy_is_stable_at_1e4():
    logits = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]])
    targets = np.array([1, 2])
    loss, dlogits = layers.softmax_cross_entropy(logits, targets)
    assert np.isfinite(loss) and np.all(np.isfinite(dlogits))
    torch_loss, torch_dlogits = torch_cross_entropy(logits, targets, None)
    assert_close(loss, torch_loss)  # (1e4 + log 2) / 2
    assert_close(dlogits, torch_dlogits)


# ---- gradcheck ---------------------------------------------------------------------

def test_numerical_gradient_restores_x(rng):
    x = rng.standard_normal((3, 2))
    before = x.copy()
    grad = gradcheck.numerical_gradient(lambda z: np.sum(z**3), x)
    assert np.array_equal(x, before)
    assert gradcheck.relative_error(grad, 3 * x**2) < THRESHOLD


def test_numerical_gradient_restores_x_when_f_fails():
    x = np.ones(2)

    def f(_):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        gradcheck.numerical_gradient(f, x)
    assert np.array_equal(x, np.ones(2))


def test_relative_error():
    assert gradcheck.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.relative_error(np.array([1.0, 0.0]), np.array([1.0, 1e-12])) == 1e-12 / 2  # not 1, as entry by entry
    assert math.isclose(gradcheck.relative_error(np.array([1.0, 2.0]), np.array([1.0, 3.0])), 1 / 5)


def test_check_layer_gradients_prints_stable_lines(rng, capsys):
    x, W, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    results = gradcheck.check_layer_gradients(
        "linear", layers.linear_forward, layers.linear_backward, {"x": x, "W": W, "b": b}, rng=rng)
    assert capsys.readouterr().out == "linear: dx [OK]\nlinear: dW [OK]\nlinear: db [OK]\n"
    assert repr(results[0]) == "GradCheck(label='linear: dx', passed=True, threshold=1e-07)"
    gradcheck.check_gradient("linear: dx", np.ones(2), np.ones(2), show_error=True)
    assert capsys.readouterr().out == "linear: dx rel. error 0e+00 [OK]\n"


def test_check_layer_gradients_catches_a_wrong_backward(rng, capsys):
    def wrong_backward(dout, cache):
        dx, dW, db = layers.linear_backward(dout, cache)
        return dx, dW, 2 * db  # planted bug

    x, W, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    results = gradcheck.check_layer_gradients(
        "linear", layers.linear_forward, wrong_backward, {"x": x, "W": W, "b": b}, rng=rng)
    assert [r.passed for r in results] == [True, True, False]
    assert capsys.readouterr().out.splitlines()[-1] == "linear: db [FAIL]"


# ---- error messages ----------------------------------------------------------------

def test_linear_errors(rng):
    x, W = rng.standard_normal((2, 4)), rng.standard_normal((3, 5))
    with pytest.raises(ValueError, match=r"W must have shape \(D, M\) with D = 4.*got W of shape \(3, 5\)"):
        layers.linear_forward(x, W, np.zeros(5))
    with pytest.raises(ValueError, match=r"b must have shape \(5,\), got \(4,\)"):
        layers.linear_forward(x, rng.standard_normal((4, 5)), np.zeros(4))
    with pytest.raises(TypeError, match=r"x must have a float dtype, got int64"):
        layers.linear_forward(np.ones((2, 4), dtype=np.int64), rng.standard_normal((4, 5)), np.zeros(5))
    with pytest.raises(TypeError, match=r"got a torch Tensor.*x.detach\(\).cpu\(\).numpy\(\)"):
        layers.linear_forward(torch.ones(2, 4), rng.standard_normal((4, 5)), np.zeros(5))
    out, cache = layers.linear_forward(x, rng.standard_normal((4, 5)), np.zeros(5))
    with pytest.raises(ValueError, match=r"dout must have shape \(2, 5\), got \(5, 2\)"):
        layers.linear_backward(np.ones((5, 2)), cache)


def test_embedding_and_layer_norm_errors(rng):
    with pytest.raises(ValueError, match=r"ids must hold ids in \[0, 5\).*got 7"):
        layers.embedding_forward(np.array([1, 7]), rng.standard_normal((5, 3)))
    with pytest.raises(TypeError, match=r"ids must have an integer dtype"):
        layers.embedding_forward(np.array([1.0]), rng.standard_normal((5, 3)))
    with pytest.raises(ValueError, match=r"gamma must have shape \(4,\), got \(3,\)"):
        layers.layer_norm_forward(np.ones((2, 4)), np.ones(3), np.zeros(4))


def test_attention_errors(rng):
    inputs = attention_inputs(rng)
    bad = dict(inputs, Wk=rng.standard_normal((6, 2)))
    with pytest.raises(ValueError, match=r"Wk must have shape \(6, 3\), got \(6, 2\)"):
        layers.attention_forward(**bad)
    with pytest.raises(TypeError, match=r"key_mask must be a bool array.*got dtype float64"):
        layers.attention_forward(**inputs, key_mask=PADDING.astype(float))
    with pytest.raises(ValueError, match=r"key_mask must have shape \(2, 4\)"):
        layers.attention_forward(**inputs, key_mask=PADDING[:, :3])
    with pytest.raises(TypeError, match=r"causal must be True or False.*key_mask=\.\.\."):
        layers.attention_forward(*inputs.values(), PADDING)
    with pytest.raises(ValueError, match=r"x must have 3 axes"):
        layers.attention_forward(**dict(inputs, x=inputs["x"][0]))


def test_softmax_cross_entropy_errors(rng):
    logits, targets = rng.standard_normal((2, 3, 4)), np.zeros((2, 3), dtype=np.int64)
    with pytest.raises(ValueError, match=r"no position is hidden"):
        layers.softmax_cross_entropy(logits, targets, np.zeros((2, 3), dtype=bool))
    with pytest.raises(TypeError, match=r"mask must be a bool array \(True = hidden\), got dtype float64"):
        layers.softmax_cross_entropy(logits, targets, np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"targets must hold ids in \[0, 4\).*got 4"):
        layers.softmax_cross_entropy(logits, targets + 4)
    with pytest.raises(ValueError, match=r"targets must have shape \(2, 3\), got \(3, 2\)"):
        layers.softmax_cross_entropy(logits, targets.T)


def test_gradcheck_errors(rng):
    with pytest.raises(TypeError, match=r"x must be float64.*x.astype\(np.float64\)"):
        gradcheck.numerical_gradient(np.sum, np.ones(3, dtype=np.float32))
    with pytest.raises(ValueError, match=r"f must return a scalar, got an array of shape \(3,\)"):
        gradcheck.numerical_gradient(lambda x: x * 2, np.ones(3))
    with pytest.raises(ValueError, match=r"a and b must have the same shape"):
        gradcheck.relative_error(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match=r"backward returned 3 gradients for 1 inputs"):
        x, W, b = np.ones((2, 3)), np.ones((3, 2)), np.ones(2)
        gradcheck.check_layer_gradients("linear", lambda x: layers.linear_forward(x, W, b),
                                        layers.linear_backward, {"x": x}, rng=rng)
