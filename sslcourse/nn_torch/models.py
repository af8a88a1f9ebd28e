"""Torch twins of ``sc.nn_numpy.models``: the same architectures, parameter names and shapes.

``ContextModel`` and ``Encoder`` compute exactly what their numpy namesakes compute (see that
module's docstring), as ``nn.Module``s: ``model(ids)`` gives logits (N, L, V), and autograd
gives the gradients that the numpy ``backward`` writes by hand. ``state_dict()`` uses the numpy
``params`` names ("E", "blocks.0.attn.Wq", ...), so weights move both ways with
``from_numpy(params)`` and ``to_numpy()``. Shape letters: N batch, L positions, D width,
F the hidden width of an MLP (the context model's hidden layer, a block's MLP), V vocabulary.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._validation import check_int
from .checks import check_generator, check_model_ids
from .layers import attention

__all__ = ["ContextModel", "Encoder", "twin"]


class _MaskedModel(nn.Module):
    """What both twins share: sizes, initial draws, id checks and weight transfer."""

    def _setup(self, vocab_size, length, pad_id, mask_id, generator, dtype):
        self.vocab_size = check_int(vocab_size, "vocab_size", minimum=2)
        self.length = check_int(length, "length", minimum=1)
        self.pad_id = check_int(pad_id, "pad_id", minimum=0, maximum=self.vocab_size - 1)
        self.mask_id = check_int(mask_id, "mask_id", minimum=0, maximum=self.vocab_size - 1)
        check_generator(generator)
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise TypeError(f"dtype must be a float torch dtype like torch.float32, got {dtype!r}.")

    def _place(self, shapes, constants, generator, dtype):
        """Register ``std * randn`` parameters (drawn in order), then constants, under dotted names."""
        flat = {name: std * torch.randn(shape, generator=generator, dtype=dtype)
                for name, (shape, std) in shapes.items()}
        flat.update({name: fill(n, dtype=dtype) for name, (n, fill) in constants.items()})
        for name, value in flat.items():
            *path, leaf = name.split(".")
            module = self
            for part in path:  # "blocks.0.attn.Wq": containers blocks, 0, attn hold Wq
                if part not in module._modules:
                    module.add_module(part, nn.ModuleList() if part == "blocks" else nn.Module())
                module = module._modules[part]
            module.register_parameter(leaf, nn.Parameter(value))

    def _check_ids(self, ids):
        return check_model_ids(ids, vocab_size=self.vocab_size, length=self.length, device=self.E.device)

    def from_numpy(self, params):
        """Copy the numpy model's ``params`` (dict name -> ndarray) into this model; returns self."""
        own = dict(self.named_parameters())
        if not isinstance(params, dict) or set(params) != set(own):
            got = sorted(params)[:4] if isinstance(params, dict) else type(params).__name__
            raise ValueError(
                f"params must be a dict with this model's parameter names ({sorted(own)[:4]}...), "
                f"got {got}. Pass numpy_model.params of a numpy {type(self).__name__}."
            )
        for name, value in params.items():
            if tuple(np.shape(value)) != tuple(own[name].shape):
                raise ValueError(
                    f"params[{name!r}] must have shape {tuple(own[name].shape)}, got {np.shape(value)}. "
                    f"Build both models with the same sizes, or use twin(numpy_model)."
                )
            with torch.no_grad():
                own[name].copy_(torch.as_tensor(np.asarray(value)))
        return self

    def to_numpy(self):
        """A dict name -> ndarray (copies), ready to be a numpy model's ``params``."""
        return {name: p.detach().cpu().numpy().copy() for name, p in self.named_parameters()}

    def n_params(self):
        """Number of trained numbers."""
        return sum(p.numel() for p in self.parameters())

    def __repr__(self):
        return f"{type(self).__name__}({self._describe()}, {self.n_params():,} parameters, {self.E.dtype})"


class ContextModel(_MaskedModel):
    """An MLP over the whole (masked) sentence; the twin of the numpy ``ContextModel``.

    Parameters
    ----------
    vocab_size : int, V
    length : int, L (ids must be (N, L))
    dim : int, D
    hidden : int, F
    generator : torch.Generator (CPU), draws the initial parameters
    pad_id, mask_id : int
    dtype : torch float dtype of the parameters
    """

    def __init__(self, vocab_size, length, *, dim=32, hidden=256, generator, pad_id=0, mask_id=1,
                 dtype=torch.float32):
        super().__init__()
        self._setup(vocab_size, length, pad_id, mask_id, generator, dtype)
        V, L = self.vocab_size, self.length
        D = self.dim = check_int(dim, "dim", minimum=1)
        F_ = self.hidden = check_int(hidden, "hidden", minimum=1)
        shapes = {"E": ((V, D), D**-0.5), "P": ((L, D), D**-0.5),
                  "W1": ((L * D, F_), (L * D) ** -0.5), "W2": ((F_, L * V), F_**-0.5)}
        self._place(shapes, {"b1": (F_, torch.zeros), "b2": (L * V, torch.zeros)}, generator, dtype)

    def _describe(self):
        return f"V={self.vocab_size}, L={self.length}, D={self.dim}, F={self.hidden}"

    def forward(self, ids):
        """ids (N, L) -> logits (N, L, V)."""
        ids = self._check_ids(ids)
        (N, L), D, V = ids.shape, self.dim, self.vocab_size
        if L != self.length:
            raise ValueError(
                f"ids must have exactly length = {self.length} positions for a ContextModel, got "
                f"shape {tuple(ids.shape)}. Pad the sentences to it: "
                f"language.encode(sentences, length={self.length})."
            )
        x = self.E[ids] + self.P  # (N, L) -> (N, L, D), plus (L, D)
        h = torch.relu(x.reshape(N, L * D) @ self.W1 + self.b1)  # (N, L*D) x (L*D, F) -> (N, F)
        return (h @ self.W2 + self.b2).reshape(N, L, V)  # (N, F) x (F, L*V) -> (N, L, V)


class Encoder(_MaskedModel):
    """Pre-LN transformer encoder with one-head attention; the twin of the numpy ``Encoder``.

    Parameters
    ----------
    vocab_size : int, V
    length : int, L, the longest sentence
    dim : int, D
    n_layers : int, the number of blocks
    mlp_dim : int, F
    generator : torch.Generator (CPU), draws the initial parameters
    pad_id, mask_id : int, the ids of ``PAD`` (never attended to) and ``MASK``
    dtype : torch float dtype of the parameters
    """

    def __init__(self, vocab_size, length, *, dim=32, n_layers=2, mlp_dim=64, generator, pad_id=0,
                 mask_id=1, dtype=torch.float32):
        super().__init__()
        self._setup(vocab_size, length, pad_id, mask_id, generator, dtype)
        V, L = self.vocab_size, self.length
        D = self.dim = check_int(dim, "dim", minimum=1)
        self.n_layers = check_int(n_layers, "n_layers", minimum=1)
        F_ = self.mlp_dim = check_int(mlp_dim, "mlp_dim", minimum=1)
        shapes, constants = {"E": ((V, D), 0.1), "P": ((L, D), 0.1)}, {}
        for i in range(self.n_layers):
            shapes.update({f"blocks.{i}.attn.{w}": ((D, D), D**-0.5) for w in ("Wq", "Wk", "Wv", "Wo")})
            shapes.update({f"blocks.{i}.mlp.W1": ((D, F_), D**-0.5), f"blocks.{i}.mlp.W2": ((F_, D), F_**-0.5)})
            for ln in ("ln1", "ln2"):
                constants[f"blocks.{i}.{ln}.gamma"] = (D, torch.ones)
                constants[f"blocks.{i}.{ln}.beta"] = (D, torch.zeros)
            constants.update({f"blocks.{i}.mlp.b1": (F_, torch.zeros), f"blocks.{i}.mlp.b2": (D, torch.zeros)})
        shapes["W_out"] = ((D, V), D**-0.5)
        constants.update({"ln_f.gamma": (D, torch.ones), "ln_f.beta": (D, torch.zeros), "b_out": (V, torch.zeros)})
        self._place(shapes, constants, generator, dtype)

    def _describe(self):
        return f"V={self.vocab_size}, L={self.length}, D={self.dim}, {self.n_layers} blocks, F={self.mlp_dim}"

    def forward(self, ids):
        """ids (N, L <= length) -> logits (N, L, V)."""
        ids = self._check_ids(ids)
        norm = (self.dim,)  # layer norms over the last axis, D
        x = self.E[ids] + self.P[: ids.shape[1]]  # (N, L) -> (N, L, D)
        key_mask = ids == self.pad_id  # (N, L), True = padding: never a key
        for block in self.blocks:
            a = F.layer_norm(x, norm, block.ln1.gamma, block.ln1.beta, eps=1e-5)
            x = x + attention(a, block.attn.Wq, block.attn.Wk, block.attn.Wv, block.attn.Wo,
                              key_mask=key_mask)  # (N, L, D)
            m = F.layer_norm(x, norm, block.ln2.gamma, block.ln2.beta, eps=1e-5)
            m = F.gelu(m @ block.mlp.W1 + block.mlp.b1, approximate="tanh")  # (N, L, D) -> (N, L, F)
            x = x + m @ block.mlp.W2 + block.mlp.b2  # (N, L, F) -> (N, L, D)
        x = F.layer_norm(x, norm, self.ln_f.gamma, self.ln_f.beta, eps=1e-5)
        return x @ self.W_out + self.b_out  # (N, L, D) x (D, V) -> (N, L, V)


def twin(numpy_model, *, dtype=None):
    """The torch twin of a numpy ``ContextModel`` or ``Encoder``: same sizes, same weights.

    Parameters
    ----------
    numpy_model : sc.nn_numpy.models.ContextModel or Encoder
    dtype : torch float dtype, optional; by default the numpy model's (float64 stays float64)

    Returns
    -------
    ContextModel or Encoder (torch), on the CPU
    """
    kind = type(numpy_model).__name__
    if kind not in ("ContextModel", "Encoder") or not hasattr(numpy_model, "params"):
        raise TypeError(f"numpy_model must be a numpy ContextModel or Encoder, got {kind}.")
    m = numpy_model
    dtype = dtype or torch.from_numpy(np.zeros(0, m.dtype)).dtype
    common = dict(generator=torch.Generator().manual_seed(0), pad_id=m.pad_id, mask_id=m.mask_id, dtype=dtype)
    if kind == "ContextModel":
        model = ContextModel(m.vocab_size, m.length, dim=m.dim, hidden=m.hidden, **common)
    else:
        model = Encoder(m.vocab_size, m.length, dim=m.dim, n_layers=m.n_layers, mlp_dim=m.mlp_dim, **common)
    return model.from_numpy(m.params)
