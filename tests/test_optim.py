"""sslcourse.nn_numpy.optim against torch.optim: the same parameters after 5 steps (float64)."""
import numpy as np
import pytest
import torch

from sslcourse.nn_numpy import optim

TOL = 1e-12


def gradient(p, step):
    """A gradient that depends on the parameter, so the trajectories must agree step by step."""
    return np.sin(3 * p) + 0.1 * step


def run_both(make_ours, make_torch, steps=5):
    rng = np.random.default_rng(0)
    start = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4)}
    ours = {name: p.copy() for name, p in start.items()}
    theirs = {name: torch.tensor(p, requires_grad=True) for name, p in start.items()}
    opt, torch_opt = make_ours(ours), make_torch(list(theirs.values()))
    for step in range(steps):
        opt.step({name: gradient(p, step) for name, p in ours.items()})
        for t in theirs.values():
            t.grad = torch.from_numpy(gradient(t.detach().numpy(), step))
        torch_opt.step()
    for name in start:
        assert not np.allclose(ours[name], start[name])
        np.testing.assert_allclose(ours[name], theirs[name].detach().numpy(), rtol=TOL, atol=TOL)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_matches_torch(momentum):
    run_both(lambda p: optim.SGD(p, lr=0.1, momentum=momentum),
             lambda p: torch.optim.SGD(p, lr=0.1, momentum=momentum))


@pytest.mark.parametrize("kwargs", [
    {},
    {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.01},
])
def test_adam_matches_torch(kwargs):
    run_both(lambda p: optim.Adam(p, **kwargs), lambda p: torch.optim.Adam(p, **kwargs))


def test_step_updates_the_arrays_in_place():
    W = np.ones(3)
    opt = optim.SGD({"W": W}, lr=0.5)
    opt.step({"W": np.ones(3)})
    np.testing.assert_array_equal(W, [0.5, 0.5, 0.5])


def test_errors():
    params = {"W": np.ones((2, 2)), "b": np.zeros(2)}
    with pytest.raises(ValueError, match=r"grads must be a dict with the same names as params, \['W', 'b'\], got \['W'\]"):
        optim.SGD(params, lr=0.1).step({"W": np.ones((2, 2))})
    with pytest.raises(ValueError, match=r"grads\['b'\] must have the shape of params\['b'\], \(2,\), got \(3,\)"):
        optim.Adam(params).step({"W": np.ones((2, 2)), "b": np.ones(3)})
    with pytest.raises(ValueError, match=r"lr must lie in \(0.0, inf\), got -0.1"):
        optim.SGD(params, lr=-0.1)
    with pytest.raises(ValueError, match=r"momentum must lie in \[0.0, 1.0\), got 1.0"):
        optim.SGD(params, lr=0.1, momentum=1.0)
    with pytest.raises(TypeError, match=r"params\['W'\] must be a float ndarray"):
        optim.Adam({"W": [1.0, 2.0]})
    with pytest.raises(TypeError, match=r"params must be a non-empty dict"):
        optim.Adam([np.ones(2)])
    with pytest.raises(ValueError, match=r"betas\[1\] must lie in \[0.0, 1.0\), got 1.5"):
        optim.Adam(params, betas=(0.9, 1.5))
