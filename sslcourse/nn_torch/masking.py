"""BERT masking in torch: the twin of ``sc.masking.bert_mask``, drawing from a ``torch.Generator``.

Same rule, same polarity (True = hidden), different random numbers: in each row exactly
``max(1, round(mask_ratio * n))`` of the n eligible positions are hidden, then each hidden
position becomes ``mask_id`` (80%), a random word (10%) or stays (10%).
Everything is drawn on the CPU, so one generator gives the same masks on every device.
"""
from __future__ import annotations

import torch

from .._validation import check_int, check_ratio
from ..masking import _check_rates
from .checks import check_generator, check_tensor

__all__ = ["bert_mask"]


def _hide_exactly(eligible, counts, generator):
    """Bool (N, L) with exactly ``counts[n]`` True in row n, only where ``eligible`` (argsort trick)."""
    keys = torch.rand(eligible.shape, generator=generator)  # (N, L), uniform in [0, 1)
    keys = keys.masked_fill(~eligible, 2.0)  # never among the smallest
    ranks = keys.argsort(dim=1).argsort(dim=1)  # (N, L): 0 marks the smallest key of the row
    return ranks < counts[:, None]


def bert_mask(ids, *, mask_id, vocab_size, generator, mask_ratio=0.15, rates=(0.8, 0.1, 0.1),
              special_ids=()):
    """Hide words BERT's way; the torch twin of ``sc.masking.bert_mask``.

    Parameters
    ----------
    ids : int Tensor (N, L) on the CPU, each in [0, vocab_size)
    mask_id : int, the id of the mask token
    vocab_size : int, V
    generator : torch.Generator (CPU)
    mask_ratio : float in (0, 1)
    rates : three non-negative numbers summing to 1 (mask token, random word, unchanged)
    special_ids : ids never hidden nor drawn as random words (padding, ...)

    Returns
    -------
    inputs : int Tensor (N, L), the corrupted copy given to the model
    mask : bool Tensor (N, L), True = hidden (all chosen positions, changed or not)
    """
    check_tensor(ids, "ids", ndim=2, kind="int", device="cpu")
    vocab_size = check_int(vocab_size, "vocab_size", minimum=2)
    mask_id = check_int(mask_id, "mask_id", minimum=0, maximum=vocab_size - 1)
    mask_ratio = check_ratio(mask_ratio, "mask_ratio")
    rates = torch.as_tensor(_check_rates(rates))
    check_generator(generator)
    special = torch.as_tensor(list(special_ids), dtype=ids.dtype)
    for name, t in (("ids", ids), ("special_ids", special)):
        if t.numel() and (t.min() < 0 or t.max() >= vocab_size):
            raise ValueError(
                f"{name} must hold ids in [0, {vocab_size}) for a vocabulary of {vocab_size} words, "
                f"got {int(t[(t < 0) | (t >= vocab_size)][0])}. Encode the words with the model's vocabulary."
            )
    eligible = ~torch.isin(ids, special)  # (N, L)
    n = eligible.sum(dim=1)  # (N,) positions that may be hidden
    counts = torch.where(n > 0, (mask_ratio * n.double()).round().clamp(min=1), 0)  # half to even
    mask = _hide_exactly(eligible, counts, generator)
    words = torch.ones(vocab_size, dtype=torch.bool)
    words[torch.cat([special, torch.tensor([mask_id], dtype=ids.dtype)])] = False
    words = words.nonzero()[:, 0]  # (W,) ids a random word may take
    if rates[1] > 0 and len(words) == 0:
        raise ValueError("no word is left to draw as a random word: every id is special. "
                         "Set rates[1] to 0 or shorten special_ids.")
    if not mask.any():
        return ids.clone(), mask
    action = torch.multinomial(rates, int(mask.sum()), replacement=True, generator=generator)
    random_words = words[torch.randint(len(words), action.shape, generator=generator)]
    hidden = ids[mask]  # (M,), row by row
    hidden = torch.where(action == 0, mask_id, torch.where(action == 1, random_words, hidden))
    inputs = ids.clone()
    inputs[mask] = hidden
    return inputs, mask
