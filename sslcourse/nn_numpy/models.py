"""Two masked-word models in numpy, forward and backward written out with ``layers``.

Both take ids (N, L), with ``MASK`` at hidden positions and ``PAD`` after a sentence's end,
and return logits (N, L, V): one score per vocabulary word at every position.
Shape letters: N batch, L positions, D width, F the hidden width of an MLP (the context
model's hidden layer, a block's MLP), V vocabulary.
Each model has ``.params`` (dict name -> array, updated in place by an optimiser),
``.forward(ids) -> (logits, cache)``, ``.backward(dlogits, cache) -> grads`` (a dict with the
keys of ``params``) and ``.predict_proba(ids, mask) -> (M, V)`` at the hidden positions.

``ContextModel`` (notebook 02): every position sees the whole sentence at once::

    x = E[ids] + P[:L]                      # (N, L, D)
    h = relu(x.reshape(N, L*D) @ W1 + b1)   # (N, F)
    logits = (h @ W2 + b2).reshape(N, L, V)

``Encoder`` (notebook 03): a pre-LN transformer encoder with one attention head::

    x = E[ids] + P[:L]                                         # (N, L, D)
    for each block i (names "blocks.{i}.<part>"):
        x = x + attention(layer_norm(x; ln1), Wq, Wk, Wv, Wo, key_mask=ids == pad_id)
        x = x + gelu(layer_norm(x; ln2) @ mlp.W1 + mlp.b1) @ mlp.W2 + mlp.b2
    logits = layer_norm(x; ln_f) @ W_out + b_out               # (N, L, V)

with ``attention_forward`` (no biases, scores scaled by 1/sqrt(D)), GELU in its tanh
form, layer-norm eps 1e-5. Parameters, drawn in this order from ``rng``
(``std * rng.standard_normal(shape)``; biases and betas 0, gammas 1):

- ContextModel: E (V, D) std 1/sqrt(D); P (L, D) std 1/sqrt(D); W1 (L*D, F) std
  1/sqrt(L*D); W2 (F, L*V) std 1/sqrt(F); then b1 (F,), b2 (L*V,).
- Encoder: E (V, D) std 0.1; P (L, D) std 0.1; per block: attn.Wq, attn.Wk, attn.Wv,
  attn.Wo (D, D) std 1/sqrt(D); mlp.W1 (D, F) std 1/sqrt(D); mlp.W2 (F, D) std
  1/sqrt(F); after the blocks W_out (D, V) std 1/sqrt(D).
  The other names: blocks.{i}.ln1.gamma/beta, blocks.{i}.ln2.gamma/beta (D,),
  blocks.{i}.mlp.b1 (F,), blocks.{i}.mlp.b2 (D,), ln_f.gamma/beta (D,), b_out (V,).
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .._validation import check_array, check_ids, check_int, check_mask, check_rng
from . import layers as ly

BlockCache = namedtuple("BlockCache", "ln1 attn ln2 mlp_in gelu mlp_out")  # one block's caches, by name


class _MaskedModel:
    """What both models share: parameters, id checks, and predictions at hidden positions."""

    def _setup(self, vocab_size, length, pad_id, mask_id, rng, dtype):
        self.vocab_size = check_int(vocab_size, "vocab_size", minimum=2)
        self.length = check_int(length, "length", minimum=1)
        self.pad_id = check_int(pad_id, "pad_id", minimum=0, maximum=self.vocab_size - 1)
        self.mask_id = check_int(mask_id, "mask_id", minimum=0, maximum=self.vocab_size - 1)
        check_rng(rng)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"dtype must be a float type like np.float32 or np.float64, got {self.dtype}.")
        self.params = {}

    def _draw(self, rng, shapes):
        """Fill ``self.params`` from ``{name: (shape, std)}``, in the given order."""
        for name, (shape, std) in shapes.items():
            self.params[name] = (std * rng.standard_normal(shape)).astype(self.dtype)

    def _check_ids(self, ids):
        ids = check_array(ids, "ids", ndim=2, dtype_kind="iu")
        if ids.shape[1] > self.length:
            raise ValueError(
                f"ids must have at most length = {self.length} positions, got shape {ids.shape}. "
                f"Build the model with length={ids.shape[1]} or shorten the sentences."
            )
        return check_ids(ids, "ids", self.vocab_size)

    def predict_proba(self, ids, mask):
        """Probabilities of every word at the hidden positions.

        Parameters
        ----------
        ids : int ndarray (N, L), hidden words already replaced by ``mask_id``
        mask : bool ndarray (N, L), True = hidden

        Returns
        -------
        ndarray of float64, shape (M, V), one row per True of ``mask``, in
        ``np.nonzero(mask)`` order (score them with ``sc.tasks.score``)
        """
        ids = self._check_ids(ids)
        mask = check_mask(mask, "mask", ids.shape)
        logits, _ = self.forward(ids)
        return ly.softmax(logits[mask].astype(np.float64))  # (M, V)

    def _check_dlogits(self, dlogits, cache_ids_shape):
        dlogits = check_array(dlogits, "dlogits", ndim=3, dtype_kind="f")
        expected = tuple(cache_ids_shape) + (self.vocab_size,)
        if dlogits.shape != expected:
            raise ValueError(
                f"dlogits must have the shape of the logits, {expected}, got {dlogits.shape}. "
                f"Pass the gradient from softmax_cross_entropy(logits, ...) of the same forward."
            )
        return dlogits

    def n_params(self):
        """Number of trained numbers."""
        return int(sum(p.size for p in self.params.values()))

    def __repr__(self):
        return f"{type(self).__name__}({self._describe()}, {self.n_params():,} parameters, {self.dtype})"


class ContextModel(_MaskedModel):
    """An MLP that reads the whole (masked) sentence and scores every word at every position.

    Parameters
    ----------
    vocab_size : int, V
    length : int, L, every sentence padded to it with ``pad_id`` (ids must be (N, L))
    dim : int, D, the embedding width
    hidden : int, F, the hidden layer's width
    rng : numpy.random.Generator, draws the initial parameters
    pad_id, mask_id : int, the ids of ``PAD`` and ``MASK``
    dtype : float dtype of the parameters (float32 trains faster, float64 for gradient checks)
    """

    def __init__(self, vocab_size, length, *, dim=32, hidden=256, rng, pad_id=0, mask_id=1,
                 dtype=np.float64):
        self._setup(vocab_size, length, pad_id, mask_id, rng, dtype)
        V, L = self.vocab_size, self.length
        D = self.dim = check_int(dim, "dim", minimum=1)
        F = self.hidden = check_int(hidden, "hidden", minimum=1)
        self._draw(rng, {"E": ((V, D), D**-0.5), "P": ((L, D), D**-0.5),
                         "W1": ((L * D, F), (L * D) ** -0.5), "W2": ((F, L * V), F**-0.5)})
        self.params["b1"] = np.zeros(F, self.dtype)
        self.params["b2"] = np.zeros(L * V, self.dtype)
        self.params = {k: self.params[k] for k in ("E", "P", "W1", "b1", "W2", "b2")}

    def _describe(self):
        return f"V={self.vocab_size}, L={self.length}, D={self.dim}, F={self.hidden}"

    def _check_ids(self, ids):
        ids = super()._check_ids(ids)
        if ids.shape[1] != self.length:
            raise ValueError(
                f"ids must have exactly length = {self.length} positions for a ContextModel, got "
                f"shape {ids.shape}. Pad the sentences to it: language.encode(sentences, length={self.length})."
            )
        return ids

    def forward(self, ids):
        """ids (N, L) -> (logits (N, L, V), cache for ``backward``); L must equal ``length``."""
        ids = self._check_ids(ids)
        p, (N, L), D, V = self.params, ids.shape, self.dim, self.vocab_size
        x, c_emb = ly.embedding_forward(ids, p["E"])  # (N, L) -> (N, L, D)
        x = x + p["P"]  # (N, L, D) + (L, D)
        z, c_1 = ly.linear_forward(x.reshape(N, L * D), p["W1"], p["b1"])  # (N, L*D) -> (N, F)
        h, c_relu = ly.relu_forward(z)
        out, c_2 = ly.linear_forward(h, p["W2"], p["b2"])  # (N, F) -> (N, L*V)
        return out.reshape(N, L, V), (c_emb, c_1, c_relu, c_2)  # (N, L*V) -> (N, L, V)

    def backward(self, dlogits, cache):
        """dlogits (N, L, V) -> grads, a dict with the keys of ``params``."""
        c_emb, c_1, c_relu, c_2 = cache
        dlogits = self._check_dlogits(dlogits, c_emb[0].shape)
        N, L, D, V = dlogits.shape[0], self.length, self.dim, self.vocab_size
        grads = {}
        dh, grads["W2"], grads["b2"] = ly.linear_backward(dlogits.reshape(N, L * V), c_2)  # dh (N, F)
        dz = ly.relu_backward(dh, c_relu)  # (N, F)
        dx, grads["W1"], grads["b1"] = ly.linear_backward(dz, c_1)  # dx (N, L*D)
        dx = dx.reshape(N, L, D)
        grads["P"] = dx.sum(axis=0)  # every sentence adds P: (N, L, D) -> (L, D)
        grads["E"] = ly.embedding_backward(dx, c_emb)  # (V, D)
        return {name: grads[name] for name in self.params}


class Encoder(_MaskedModel):
    """A small transformer encoder: pre-LN blocks of one-head self-attention and an MLP.

    Parameters
    ----------
    vocab_size : int, V
    length : int, L, the longest sentence
    dim : int, D, the width of every position's vector
    n_layers : int, the number of blocks
    mlp_dim : int, F, the MLP's hidden width
    rng : numpy.random.Generator, draws the initial parameters
    pad_id, mask_id : int, the ids of ``PAD`` (never attended to) and ``MASK``
    dtype : float dtype of the parameters
    """

    def __init__(self, vocab_size, length, *, dim=32, n_layers=2, mlp_dim=64, rng, pad_id=0,
                 mask_id=1, dtype=np.float64):
        self._setup(vocab_size, length, pad_id, mask_id, rng, dtype)
        V, L = self.vocab_size, self.length
        D = self.dim = check_int(dim, "dim", minimum=1)
        self.n_layers = check_int(n_layers, "n_layers", minimum=1)
        F = self.mlp_dim = check_int(mlp_dim, "mlp_dim", minimum=1)
        shapes = {"E": ((V, D), 0.1), "P": ((L, D), 0.1)}
        for i in range(self.n_layers):
            shapes.update({f"blocks.{i}.attn.{w}": ((D, D), D**-0.5) for w in ("Wq", "Wk", "Wv", "Wo")})
            shapes.update({f"blocks.{i}.mlp.W1": ((D, F), D**-0.5), f"blocks.{i}.mlp.W2": ((F, D), F**-0.5)})
        shapes["W_out"] = ((D, V), D**-0.5)
        self._draw(rng, shapes)
        ones, zeros = (lambda n: np.ones(n, self.dtype)), (lambda n: np.zeros(n, self.dtype))
        for i in range(self.n_layers):
            for ln in ("ln1", "ln2"):
                self.params[f"blocks.{i}.{ln}.gamma"], self.params[f"blocks.{i}.{ln}.beta"] = ones(D), zeros(D)
            self.params[f"blocks.{i}.mlp.b1"], self.params[f"blocks.{i}.mlp.b2"] = zeros(F), zeros(D)
        self.params["ln_f.gamma"], self.params["ln_f.beta"], self.params["b_out"] = ones(D), zeros(D), zeros(V)

    def _describe(self):
        return (f"V={self.vocab_size}, L={self.length}, D={self.dim}, n_layers={self.n_layers}, "
                f"F={self.mlp_dim}")

    def forward(self, ids, *, return_attention=False):
        """ids (N, L) -> (logits (N, L, V), cache); with ``return_attention``, also the
        attention weights of every block, a list of (N, L, L) arrays (row = query)."""
        ids = self._check_ids(ids)
        p, L = self.params, ids.shape[1]
        x, c_emb = ly.embedding_forward(ids, p["E"])  # (N, L) -> (N, L, D)
        x = x + p["P"][:L]
        key_mask = ids == self.pad_id  # (N, L), True = padding: never a key
        blocks = []
        for i in range(self.n_layers):
            x, c_block = self._block_forward(x, f"blocks.{i}.", key_mask)
            blocks.append(c_block)
        xn, c_lnf = ly.layer_norm_forward(x, p["ln_f.gamma"], p["ln_f.beta"])
        logits, c_out = ly.linear_forward(xn, p["W_out"], p["b_out"])  # (N, L, D) -> (N, L, V)
        cache = (c_emb, blocks, c_lnf, c_out, L)
        if return_attention:
            return logits, cache, [c.attn.probs for c in blocks]  # the weights kept by attention_forward
        return logits, cache

    def _block_forward(self, x, pre, key_mask):
        p = self.params
        a, c_ln1 = ly.layer_norm_forward(x, p[pre + "ln1.gamma"], p[pre + "ln1.beta"])
        a, c_att = ly.attention_forward(a, *(p[pre + "attn." + w] for w in ("Wq", "Wk", "Wv", "Wo")),
                                        key_mask=key_mask)
        x = x + a  # (N, L, D)
        m, c_ln2 = ly.layer_norm_forward(x, p[pre + "ln2.gamma"], p[pre + "ln2.beta"])
        m, c_1 = ly.linear_forward(m, p[pre + "mlp.W1"], p[pre + "mlp.b1"])  # (N, L, D) -> (N, L, F)
        m, c_gelu = ly.gelu_forward(m)
        m, c_2 = ly.linear_forward(m, p[pre + "mlp.W2"], p[pre + "mlp.b2"])  # (N, L, F) -> (N, L, D)
        return x + m, BlockCache(c_ln1, c_att, c_ln2, c_1, c_gelu, c_2)

    def backward(self, dlogits, cache):
        """dlogits (N, L, V) -> grads, a dict with the keys of ``params``."""
        c_emb, blocks, c_lnf, c_out, L = cache
        dlogits = self._check_dlogits(dlogits, c_emb[0].shape)
        grads = {}
        dxn, grads["W_out"], grads["b_out"] = ly.linear_backward(dlogits, c_out)
        dx, grads["ln_f.gamma"], grads["ln_f.beta"] = ly.layer_norm_backward(dxn, c_lnf)
        for i in reversed(range(self.n_layers)):
            dx = self._block_backward(dx, blocks[i], f"blocks.{i}.", grads)
        grads["P"] = np.zeros_like(self.params["P"])
        grads["P"][:L] = dx.sum(axis=0)  # (N, L, D) -> (L, D)
        grads["E"] = ly.embedding_backward(dx, c_emb)
        return {name: grads[name] for name in self.params}

    def _block_backward(self, dx, cache, pre, grads):
        c_ln1, c_att, c_ln2, c_1, c_gelu, c_2 = cache
        dm, grads[pre + "mlp.W2"], grads[pre + "mlp.b2"] = ly.linear_backward(dx, c_2)
        dm = ly.gelu_backward(dm, c_gelu)
        dm, grads[pre + "mlp.W1"], grads[pre + "mlp.b1"] = ly.linear_backward(dm, c_1)
        dm, grads[pre + "ln2.gamma"], grads[pre + "ln2.beta"] = ly.layer_norm_backward(dm, c_ln2)
        dx = dx + dm  # the residual path and the MLP path
        da, *dW = ly.attention_backward(dx, c_att)
        for w, g in zip(("Wq", "Wk", "Wv", "Wo"), dW):
            grads[pre + "attn." + w] = g
        da, grads[pre + "ln1.gamma"], grads[pre + "ln1.beta"] = ly.layer_norm_backward(da, c_ln1)
        return dx + da
