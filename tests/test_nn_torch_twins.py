"""The torch twins equal their numpy namesakes: same weights and batch -> same loss and gradients.

Everything here runs in float64 and must agree to TOL = 1e-10 (relative and absolute).
Also: weight transfer both ways, the torch BERT masking's properties, and the error messages.
"""
import numpy as np
import pytest
import torch

from sslcourse.nn_numpy import layers as nl
from sslcourse.nn_numpy import models as nm
from sslcourse.nn_torch import layers as tl
from sslcourse.nn_torch import masking as tmask
from sslcourse.nn_torch import models as tm

TOL = 1e-10
V, L = 20, 6


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=TOL, atol=TOL)


def batch(rng, n=5):
    """ids with padding at the end of some rows, and a mask with at least one True per row."""
    ids = rng.integers(2, V, size=(n, L))
    ids[0, 4:] = 0
    ids[1, 5:] = 0
    mask = (rng.random((n, L)) < 0.3) & (ids != 0)
    mask[:, 0] = True
    return ids, mask


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("padded", [False, True])
def test_attention_matches_numpy_forward_and_backward(causal, padded):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5, 8))
    Ws = [rng.standard_normal(s) for s in ((8, 4), (8, 4), (8, 6), (6, 8))]
    key_mask = np.zeros((3, 5), bool)
    key_mask[0, 3:] = True
    key_mask[2, :] = True  # a row that is all padding: uniform attention in both
    km = key_mask if padded else None
    out, cache = nl.attention_forward(x, *Ws, causal, key_mask=km)
    dout = rng.standard_normal(out.shape)
    grads = nl.attention_backward(dout, cache)
    tensors = [torch.tensor(a, requires_grad=True) for a in [x, *Ws]]
    t_out = tl.attention(*tensors, causal, key_mask=None if km is None else torch.from_numpy(km))
    t_out.backward(torch.from_numpy(dout))
    close(t_out.detach().numpy(), out)
    for g, t in zip(grads, tensors):
        close(t.grad.numpy(), g)


@pytest.mark.parametrize("with_mask", [False, True])
def test_softmax_cross_entropy_matches_numpy(with_mask):
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((4, 3, V)) * 3
    targets = rng.integers(0, V, size=(4, 3))
    mask = rng.random((4, 3)) < 0.5 if with_mask else None
    if with_mask:
        mask[0, 0] = True
    loss, dlogits = nl.softmax_cross_entropy(logits, targets, mask)
    t_logits = torch.tensor(logits, requires_grad=True)
    t_loss = tl.softmax_cross_entropy(t_logits, torch.from_numpy(targets),
                                      None if mask is None else torch.from_numpy(mask))
    t_loss.backward()
    close(t_loss.item(), loss)
    close(t_logits.grad.numpy(), dlogits)


def _numpy_model(kind, rng):
    if kind == "ContextModel":
        return nm.ContextModel(V, L, dim=8, hidden=16, rng=rng)
    return nm.Encoder(V, L, dim=8, n_layers=2, mlp_dim=12, rng=rng)


@pytest.mark.parametrize("kind", ["ContextModel", "Encoder"])
def test_twin_gives_the_same_loss_and_gradients(kind):
    rng = np.random.default_rng(2)
    np_model = _numpy_model(kind, rng)
    for name in np_model.params:  # move biases and gains off their initial 0 and 1
        np_model.params[name] += 0.1 * rng.standard_normal(np_model.params[name].shape)
    ids, mask = batch(rng)
    inputs = np.where(mask, np_model.mask_id, ids)
    logits, cache = np_model.forward(inputs)
    loss, dlogits = nl.softmax_cross_entropy(logits, ids, mask)
    grads = np_model.backward(dlogits, cache)

    model = tm.twin(np_model)
    assert model.E.dtype == torch.float64
    t_loss = tl.softmax_cross_entropy(model(torch.from_numpy(inputs)), torch.from_numpy(ids), torch.from_numpy(mask))
    t_loss.backward()
    close(t_loss.item(), loss)
    t_grads = {name: p.grad.numpy() for name, p in model.named_parameters()}
    assert set(t_grads) == set(grads)
    for name in grads:
        close(t_grads[name], grads[name])


@pytest.mark.parametrize("kind", ["ContextModel", "Encoder"])
def test_weights_round_trip_and_names_match_numpy(kind):
    np_model = _numpy_model(kind, np.random.default_rng(3))
    cls = getattr(tm, kind)
    sizes = dict(dim=8, hidden=16) if kind == "ContextModel" else dict(dim=8, n_layers=2, mlp_dim=12)
    model = cls(V, L, **sizes, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert set(model.state_dict()) == set(np_model.params)
    back = model.from_numpy(np_model.params).to_numpy()
    for name, value in np_model.params.items():
        assert back[name].shape == value.shape and np.array_equal(back[name], value)
    assert back["E"] is not model.E  # copies, not views


def test_init_draws_from_the_generator_only():
    state = torch.random.get_rng_state()
    a = tm.Encoder(V, L, generator=torch.Generator().manual_seed(5))
    b = tm.Encoder(V, L, generator=torch.Generator().manual_seed(5))
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert repr(a) == "Encoder(V=20, L=6, D=32, 2 blocks, F=64, 18,388 parameters, torch.float32)"


def test_from_numpy_errors_name_the_fix():
    model = tm.ContextModel(V, L, dim=8, hidden=16, generator=torch.Generator())
    with pytest.raises(ValueError, match=r"params must be a dict with this model's parameter names"):
        model.from_numpy({"E": np.zeros((V, 8))})
    params = nm.ContextModel(V, L, dim=4, hidden=16, rng=np.random.default_rng(0)).params
    with pytest.raises(ValueError, match=r"params\['E'\] must have shape \(20, 8\), got \(20, 4\)\. "
                                         r"Build both models with the same sizes, or use twin\(numpy_model\)\."):
        model.from_numpy(params)
    with pytest.raises(TypeError, match="numpy_model must be a numpy ContextModel or Encoder, got str"):
        tm.twin("model")


def test_model_errors_for_the_wrong_device_and_vocabulary():
    model = tm.Encoder(V, L, generator=torch.Generator())
    with pytest.raises(ValueError, match=r"ids is on meta but the model is on cpu: move the batch to the "
                                         r"model's device with ids.to\('cpu'\)"):
        model(torch.zeros(2, L, dtype=torch.long, device="meta"))
    with pytest.raises(ValueError, match=r"ids holds 25, outside the model's vocabulary of vocab_size = 20 "
                                         r"words. Build the model with vocab_size=len\(language.vocab\)"):
        model(torch.full((2, L), 25))
    with pytest.raises(TypeError, match=r"ids must have a int dtype, got torch.float32. Convert it with ids.long\(\)"):
        model(torch.zeros(2, L))


def test_layer_errors_name_the_fix():
    x, W = torch.zeros(1, 3, 4), torch.zeros(4, 4)
    with pytest.raises(TypeError, match="causal must be True or False, got Tensor. To hide padding, "
                                        "pass it by name: key_mask=..."):
        tl.attention(x, W, W, W, W, torch.zeros(1, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match=r"Wo must have shape \(4, 4\), got \(3, 4\)"):
        tl.attention(x, W, W, W, torch.zeros(3, 4))
    with pytest.raises(ValueError, match="mask has no True position"):
        tl.softmax_cross_entropy(torch.zeros(2, 5), torch.zeros(2, dtype=torch.long), torch.zeros(2, dtype=torch.bool))
    with pytest.raises(TypeError, match=r"logits must be a torch.Tensor, got ndarray. Convert it with torch.as_tensor\(logits\)"):
        tl.softmax_cross_entropy(np.zeros((2, 5)), torch.zeros(2, dtype=torch.long))


# ---- the torch BERT masking: the numpy rule, drawn from a torch.Generator
def tbert(ids, seed=0, **kwargs):
    kwargs = {"mask_id": 1, "vocab_size": 50, "special_ids": (0,), **kwargs}
    return tmask.bert_mask(torch.as_tensor(ids), generator=torch.Generator().manual_seed(seed), **kwargs)


def test_torch_bert_mask_hides_the_same_counts_as_numpy():
    from sslcourse.masking import bert_mask

    ids = np.random.default_rng(0).integers(2, 50, size=(6, 20))
    ids[1, 10:], ids[2, 3:], ids[3, :] = 0, 0, 0
    _, mask = tbert(ids)
    _, np_mask = bert_mask(ids, mask_id=1, vocab_size=50, special_ids=(0,), rng=np.random.default_rng(0))
    assert mask.dtype == torch.bool
    assert mask.sum(1).tolist() == np_mask.sum(1).tolist() == [3, 2, 1, 0, 3, 3]
    assert not mask[torch.from_numpy(ids) == 0].any()


def test_torch_bert_mask_polarity_rates_and_seeds():
    ids = torch.from_numpy(np.random.default_rng(1).integers(2, 50, size=(1000, 100)))
    inputs, mask = tbert(ids, mask_ratio=0.2)
    assert int(mask.sum()) == 20_000
    assert torch.equal(inputs[~mask], ids[~mask])  # visible positions untouched
    assert (inputs[inputs == 1] == 1).all() and mask[inputs == 1].all()  # mask tokens only where hidden
    n, words = 20_000, 48
    changed = (inputs != ids) & (inputs != 1)
    observed = [(inputs[mask] == 1).float().mean(), changed[mask].float().mean(), (inputs == ids)[mask].float().mean()]
    expected = [0.8, 0.1 * (1 - 1 / words), 0.1 + 0.1 / words]
    for got, p in zip(observed, expected):
        assert abs(float(got) - p) < 4 * np.sqrt(p * (1 - p) / n)
    again, mask2 = tbert(ids, mask_ratio=0.2)
    assert torch.equal(again, inputs) and torch.equal(mask2, mask)
    assert not torch.equal(tbert(ids, seed=1, mask_ratio=0.2)[1], mask)


def test_torch_bert_mask_errors():
    with pytest.raises(TypeError, match=r"generator must be a torch.Generator, got Generator. "
                                        r"Make one with generator = torch.Generator\(\).manual_seed\(0\)."):
        tmask.bert_mask(torch.zeros(2, 3, dtype=torch.long), mask_id=1, vocab_size=5,
                        generator=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"ids must hold ids in \[0, 50\)"):
        tbert(torch.full((2, 3), 60))


def test_twins_train_alike_step_after_step():
    """numpy Adam on the hand-written gradients and torch Adam on autograd's: the same losses."""
    from sslcourse.nn_numpy.optim import Adam
    from sslcourse.train import training_step

    rng = np.random.default_rng(4)
    np_model = _numpy_model("Encoder", rng)
    model = tm.twin(np_model)
    np_opt, torch_opt = Adam(np_model.params, lr=1e-2), torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(5):
        ids, mask = batch(rng)
        inputs = np.where(mask, np_model.mask_id, ids)
        logits, cache = np_model.forward(inputs)
        loss, dlogits = nl.softmax_cross_entropy(logits, ids, mask)
        np_opt.step(np_model.backward(dlogits, cache))
        t_loss = training_step(model, torch_opt, *(torch.from_numpy(a) for a in (inputs, ids, mask)))
        close(t_loss.item(), loss)
    for name, value in model.to_numpy().items():
        close(value, np_model.params[name])
