"""A transformer encoder for masked prediction, configurable in width, depth and heads.

Pre-layer-norm blocks (as GPT-2), learned positions, multi-head attention through
``torch.nn.functional.scaled_dot_product_attention``. With ``causal=True`` in the config each
position sees only itself and the positions before it: the same network becomes a tiny GPT,
trained on next-token prediction instead (notebook 09).
Shape letters: N batch, L positions, D width, h heads, hs = D / h head size, V vocabulary.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .checks import check_generator, check_model_ids

__all__ = ["EncoderConfig", "TransformerEncoder"]


def _fail(field, expected, got, fix):
    raise ValueError(f"EncoderConfig.{field} must be {expected}, got {got!r}. {fix}")


@dataclass(frozen=True)
class EncoderConfig:
    """The sizes of a ``TransformerEncoder``; checked when made.

    Attributes
    ----------
    vocab_size : int, V
    max_length : int, the longest input (L <= max_length)
    width : int, D, divisible by ``heads``
    depth : int, the number of blocks
    heads : int, attention heads per block
    mlp_ratio : int, the MLP's hidden width is ``mlp_ratio * width``
    dropout : float in [0, 1), after attention and MLP (draws from torch's global generator)
    causal : bool, True: position i sees only positions <= i (next-token prediction)
    pad_id, mask_id : int, the ids of ``PAD`` (never attended to) and ``MASK``
    """

    vocab_size: int
    max_length: int
    width: int = 64
    depth: int = 2
    heads: int = 4
    mlp_ratio: int = 4
    dropout: float = 0.0
    causal: bool = False
    pad_id: int = 0
    mask_id: int = 1

    def __post_init__(self):
        for name in ("vocab_size", "max_length", "width", "depth", "heads", "mlp_ratio"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"EncoderConfig.{name} must be a whole number, got {value!r}. "
                                f"Pass an int, for example {name}=4.")
            if value < 1:
                _fail(name, "a positive whole number", value, f"Pick {name} >= 1.")
        if self.width % self.heads:
            divisors = [h for h in range(1, self.width + 1) if self.width % h == 0 and h <= 16]
            _fail("width", f"divisible by heads = {self.heads}", self.width,
                  f"Pick heads from {divisors}, or width a multiple of {self.heads}.")
        if isinstance(self.dropout, bool) or not isinstance(self.dropout, numbers.Real) \
                or not 0 <= self.dropout < 1:
            _fail("dropout", "a number in [0, 1)", self.dropout, "Use 0.0 for no dropout, 0.1 is common.")
        if not isinstance(self.causal, bool):
            raise TypeError(f"EncoderConfig.causal must be True or False, got {self.causal!r}.")
        for name in ("pad_id", "mask_id"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
                    or not 0 <= value < self.vocab_size:
                _fail(name, f"an id in [0, vocab_size = {self.vocab_size})", value,
                      "Use the vocabulary's id, sc.data.Vocabulary.pad_id / .mask_id.")


class Block(nn.Module):
    """``x + attention(ln1(x))``, then ``x + mlp(ln2(x))``."""

    def __init__(self, config):
        super().__init__()
        D, self.heads = config.width, config.heads
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv = nn.Linear(D, 3 * D)  # q, k, v of every head at once
        self.proj = nn.Linear(D, D)
        self.mlp = nn.Sequential(nn.Linear(D, config.mlp_ratio * D), nn.GELU(approximate="tanh"),
                                 nn.Linear(config.mlp_ratio * D, D))
        self.dropout = config.dropout

    def forward(self, x, allowed):
        """x (N, L, D), allowed bool (N, 1, L, L) True = query may attend key -> (N, L, D)."""
        N, L, D = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=2)  # (N, L, 3D) -> 3 x (N, L, D)
        q, k, v = (t.view(N, L, self.heads, D // self.heads).transpose(1, 2)
                   for t in (q, k, v))  # (N, L, D) -> (N, h, L, hs)
        p = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, dropout_p=p)  # (N, h, L, hs)
        y = y.transpose(1, 2).reshape(N, L, D)  # (N, h, L, hs) -> (N, L, D)
        x = x + F.dropout(self.proj(y), p, self.training)
        return x + F.dropout(self.mlp(self.ln2(x)), p, self.training)


class TransformerEncoder(nn.Module):
    """Token and position embeddings, ``depth`` pre-LN blocks, a final layer norm, a linear head.

    Parameters
    ----------
    config : EncoderConfig
    generator : torch.Generator (CPU), draws the initial weights (torch's global one is untouched)

    ``model(ids)``: ids (N, L) int -> logits (N, L, V).
    """

    def __init__(self, config, *, generator):
        if not isinstance(config, EncoderConfig):
            raise TypeError(f"config must be an EncoderConfig, got {type(config).__name__}. "
                            f"Make one with EncoderConfig(vocab_size=..., max_length=...).")
        check_generator(generator)
        super().__init__()
        self.config = c = config
        with torch.random.fork_rng(devices=[]):  # the layers' default init draws from the global RNG
            self.tok = nn.Embedding(c.vocab_size, c.width)
            self.pos = nn.Embedding(c.max_length, c.width)  # learned positions
            self.blocks = nn.ModuleList(Block(c) for _ in range(c.depth))
            self.ln_f = nn.LayerNorm(c.width)
            self.head = nn.Linear(c.width, c.vocab_size)
        self._init_weights(generator)

    def _init_weights(self, generator):
        """GPT-2's init: N(0, 0.02), residual projections scaled by 1/sqrt(2 depth), zero biases."""
        depth = self.config.depth
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif not (".ln" in name or name.startswith("ln_f")):  # layer norms stay (1, 0)
                residual = name.endswith(("proj.weight", "mlp.2.weight"))
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * depth) if residual else 0.02, generator=generator)

    # the attributes every masked model of the package has (used by sc.train)
    vocab_size = property(lambda self: self.config.vocab_size)
    length = property(lambda self: self.config.max_length)
    pad_id = property(lambda self: self.config.pad_id)
    mask_id = property(lambda self: self.config.mask_id)

    def n_params(self, *, embeddings=True):
        """Number of trained numbers (``embeddings=False`` leaves out the two embedding tables)."""
        skip = 0 if embeddings else self.tok.weight.numel() + self.pos.weight.numel()
        return sum(p.numel() for p in self.parameters()) - skip

    def allowed(self, ids, key_mask=None):
        """Bool (N, 1, L, L), True where query i may attend key j (not padding, not later if causal)."""
        N, L = ids.shape
        key_mask = ids == self.config.pad_id if key_mask is None else key_mask  # (N, L) True = padding
        allowed = ~key_mask[:, None, None, :]  # (N, 1, 1, L)
        if self.config.causal:
            allowed = allowed & torch.ones(L, L, dtype=torch.bool, device=ids.device).tril()
        # a query may always see itself, so no row is all blocked (that would give NaN)
        return allowed | torch.eye(L, dtype=torch.bool, device=ids.device)  # (N, 1, L, L)

    def forward(self, ids, key_mask=None):
        """ids (N, L) int, key_mask bool (N, L) or None (then ids == pad_id) -> logits (N, L, V)."""
        check_model_ids(ids, vocab_size=self.config.vocab_size, length=self.config.max_length,
                  device=self.tok.weight.device)
        positions = torch.arange(ids.shape[1], device=ids.device)  # (L,)
        x = self.tok(ids) + self.pos(positions)  # (N, L, D) + (L, D)
        x = F.dropout(x, self.config.dropout, self.training)
        allowed = self.allowed(ids, key_mask)
        for block in self.blocks:
            x = block(x, allowed)  # (N, L, D)
        return self.head(self.ln_f(x))  # (N, L, D) -> (N, L, V)
