"""Masking: choose what to hide, with an explicit random generator.

Convention everywhere: a mask is a bool array, True = hidden (to be predicted).
Shape letters: N rows (sentences or images), L positions (tokens or patches),
H and W image size.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ._validation import check_array, check_ids, check_int, check_ratio, check_rng

__all__ = ["bert_mask", "hide_pixels", "patch_mask", "patchify", "random_mask", "unpatchify"]


def _hide_exactly(eligible, counts, rng):
    """Bool (R, L) with exactly ``counts[r]`` True in row r, only where ``eligible``.

    Each position draws a random key; ineligible ones get a key above every other,
    and each row keeps its ``counts[r]`` smallest keys (the argsort trick of MAE).
    """
    keys = rng.random(eligible.shape)  # (R, L), uniform in [0, 1)
    keys[~eligible] = 2.0  # never among the smallest
    ranks = keys.argsort(axis=-1).argsort(axis=-1)  # (R, L): 0 marks the smallest key of the row
    return ranks < counts[:, None]


def _check_shape_arg(shape):
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    try:
        shape = tuple(check_int(n, f"shape[{i}]", minimum=0) for i, n in enumerate(shape))
    except TypeError:
        raise TypeError(
            f"shape must be a tuple of whole numbers like (N, L), got {shape!r}."
        ) from None
    if not shape or shape[-1] < 2:
        raise ValueError(
            f"shape must end with an axis of at least 2 positions, so that some are hidden and "
            f"some kept, got shape {shape}. Pass (N, L) with L >= 2."
        )
    return shape


def random_mask(shape, *, ratio, rng):
    """Hide the same number of random positions in every row.

    Each row (the last axis, size L) gets exactly ``round(ratio * L)`` True,
    rounded to nearest (half to even, as Python's ``round``) and kept between 1 and L - 1.

    Parameters
    ----------
    shape : tuple of int, (N, L) for N rows of L positions (pixels, patches)
    ratio : float in (0, 1), the fraction hidden
    rng : numpy.random.Generator

    Returns
    -------
    mask : bool ndarray of ``shape``, True = hidden
    """
    shape = _check_shape_arg(shape)
    ratio = check_ratio(ratio, "ratio")
    check_rng(rng)
    L = shape[-1]
    n_hide = min(max(1, round(ratio * L)), L - 1)
    rows = math.prod(shape[:-1])
    mask = _hide_exactly(np.ones((rows, L), dtype=bool), np.full(rows, n_hide), rng)  # (rows, L)
    return mask.reshape(shape)


def patch_mask(n_images, grid, *, ratio, rng):
    """Hide random patches of images cut into a ``grid x grid`` of patches.

    Parameters
    ----------
    n_images : int, N
    grid : int, patches per side, at least 2
    ratio : float in (0, 1), the fraction of patches hidden (same rule as ``random_mask``)
    rng : numpy.random.Generator

    Returns
    -------
    mask : bool ndarray (N, grid * grid), True = hidden, patches in ``patchify`` order
    """
    n_images = check_int(n_images, "n_images", minimum=1)
    grid = check_int(grid, "grid", minimum=2)
    return random_mask((n_images, grid * grid), ratio=ratio, rng=rng)


def hide_pixels(n_images, shape=(8, 8), *, ratio, patch=1, rng):
    """Choose the hidden pixels of ``n_images`` images: single pixels, or square patches.

    Every image hides the same number of pixels (``sc.masking.random_mask`` or ``patch_mask``).

    Parameters
    ----------
    n_images : int, N
    shape : (H, W), the image size
    ratio : float in (0, 1), the fraction hidden
    patch : int, 1 for single pixels, else the side of the square patches hidden together
    rng : numpy.random.Generator

    Returns
    -------
    mask : bool ndarray (N, H, W), True = hidden
    """
    check_rng(rng)
    if isinstance(shape, str) or not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise TypeError(f"shape must be (H, W), the image size, got {shape!r}. Pass shape=(8, 8) for the digits.")
    H, W = (check_int(n, f"shape[{i}]", minimum=2) for i, n in enumerate(shape))
    patch = check_int(patch, "patch", minimum=1)
    if patch == 1:
        return random_mask((check_int(n_images, "n_images", minimum=1), H * W), ratio=ratio,
                           rng=rng).reshape(-1, H, W)
    if H != W or H % patch:
        raise ValueError(f"patch must divide the square image side, {H} x {W}, got patch={patch}. "
                         f"Pick patch from {[d for d in range(1, H + 1) if H % d == 0]}.")
    grid = H // patch
    mask = patch_mask(n_images, grid, ratio=ratio, rng=rng)  # (N, L), L = grid * grid patches
    pixels = np.repeat(mask[:, :, None], patch * patch, axis=2)  # (N, L) -> (N, L, p*p)
    return unpatchify(pixels, patch).astype(bool)  # (N, L, p*p) -> (N, H, W)


def _check_patch(images, name, patch, ndim):
    images = check_array(images, name, ndim=ndim, dtype_kind="fiub")
    return images, check_int(patch, "patch", minimum=1)


def _check_divisible(H, W, patch):
    if H % patch or W % patch:
        sizes = [d for d in range(1, min(H, W) + 1) if H % d == 0 and W % d == 0]
        raise ValueError(
            f"images of size H x W = {H} x {W} cannot be cut into {patch} x {patch} patches: "
            f"H and W must both be divisible by patch. Pick patch from {sizes}."
        )


def patchify(images, patch):
    """Cut images into square patches, row by row.

    Parameters
    ----------
    images : ndarray (N, H, W), H and W divisible by ``patch``
    patch : int, side of a patch in pixels

    Returns
    -------
    patches : ndarray (N, L, patch * patch), L = (H / patch) * (W / patch)
    """
    images, patch = _check_patch(images, "images", patch, 3)
    N, H, W = images.shape
    _check_divisible(H, W, patch)
    h, w = H // patch, W // patch
    x = images.reshape(N, h, patch, w, patch)  # (N, H, W) -> (N, h, p, w, p)
    x = x.transpose(0, 1, 3, 2, 4)  # (N, h, p, w, p) -> (N, h, w, p, p)
    return x.reshape(N, h * w, patch * patch)  # (N, h, w, p, p) -> (N, L, p*p)


def unpatchify(patches, patch, *, image_shape=None):
    """Put patches back together: the inverse of ``patchify``.

    Parameters
    ----------
    patches : ndarray (N, L, patch * patch)
    patch : int, side of a patch in pixels
    image_shape : (H, W) or None; None means square images of sqrt(L) patches a side

    Returns
    -------
    images : ndarray (N, H, W)
    """
    patches, patch = _check_patch(patches, "patches", patch, 3)
    N, L, P = patches.shape
    if P != patch * patch:
        raise ValueError(
            f"patches must have patch * patch = {patch * patch} pixels on the last axis, got {P}. "
            f"Pass the same patch size as to patchify."
        )
    if image_shape is None:
        side = math.isqrt(L) * patch
        image_shape = (side, side)
    H, W = (check_int(n, f"image_shape[{i}]", minimum=1) for i, n in enumerate(image_shape))
    _check_divisible(H, W, patch)
    h, w = H // patch, W // patch
    if h * w != L:
        raise ValueError(
            f"{L} patches of {patch} x {patch} pixels do not tile an image of {H} x {W}. "
            f"Pass image_shape=(H, W), the size of the images given to patchify."
        )
    x = patches.reshape(N, h, w, patch, patch)  # (N, L, p*p) -> (N, h, w, p, p)
    x = x.transpose(0, 1, 3, 2, 4)  # (N, h, w, p, p) -> (N, h, p, w, p)
    return x.reshape(N, H, W)  # (N, h, p, w, p) -> (N, H, W)


def _check_rates(rates):
    try:
        r = np.asarray(rates, dtype=np.float64)
    except (TypeError, ValueError):
        r = None
    if r is None or r.shape != (3,) or not np.all(r >= 0) or abs(r.sum() - 1) > 1e-9:
        raise ValueError(
            f"rates must be three non-negative numbers summing to 1 (mask token, random word, "
            f"unchanged), got {rates!r}. BERT uses rates=(0.8, 0.1, 0.1)."
        )
    return r / r.sum()


def _eligible(ids, special_ids, maskable, vocab_size):
    """Bool like ``ids``: positions that may be hidden (maskable and not special)."""
    special = np.asarray(special_ids)
    special = check_ids(special.astype(np.int64) if special.size == 0 else special.reshape(-1),
                        "special_ids", vocab_size)
    eligible = ~np.isin(ids, special)
    if maskable is not None:
        maskable = check_array(maskable, "maskable")
        if maskable.dtype != bool:
            raise TypeError(
                f"maskable must be a bool array (True = may be hidden), got dtype "
                f"{maskable.dtype}. Build it with a comparison, for example ids != pad_id."
            )
        if maskable.shape != ids.shape:
            raise ValueError(
                f"maskable must have the shape of ids, {ids.shape}, got {maskable.shape}."
            )
        eligible &= maskable
    return eligible, special


def _corrupt(ids, mask, *, rates, mask_id, words, rng):
    """Copy of ``ids`` with the hidden positions replaced, BERT-style."""
    action = rng.choice(3, size=int(mask.sum()), p=rates)  # 0: mask_id, 1: random word, 2: keep
    hidden = ids[mask]  # (number hidden,), row by row
    hidden[action == 0] = mask_id
    hidden[action == 1] = rng.choice(words, size=int((action == 1).sum()))
    inputs = ids.copy()
    inputs[mask] = hidden
    return inputs


def bert_mask(ids, *, mask_id, vocab_size, rng, mask_ratio=0.15, rates=(0.8, 0.1, 0.1),
              special_ids=(), maskable=None):
    """Hide words BERT's way: choose positions, then corrupt the input there.

    In each row, among the n positions that may be hidden (not in ``special_ids``,
    and True in ``maskable`` if given), exactly ``max(1, round(mask_ratio * n))``
    are hidden (round half to even; none if n = 0). Each hidden position becomes ``mask_id`` with
    probability ``rates[0]``, a random word with ``rates[1]`` (uniform over the
    vocabulary minus ``special_ids`` and ``mask_id``), or stays unchanged with ``rates[2]``.

    Parameters
    ----------
    ids : int ndarray (N, L) or (L,), each in [0, vocab_size)
    mask_id : int, the id of the mask token
    vocab_size : int, V
    rng : numpy.random.Generator
    mask_ratio : float in (0, 1)
    rates : three non-negative numbers summing to 1
    special_ids : ids never hidden nor drawn as random words (padding, ...)
    maskable : bool ndarray like ids, or None; True = may be hidden

    Returns
    -------
    inputs : int ndarray like ids, the corrupted copy given to the model
    mask : bool ndarray like ids, True = hidden (all chosen positions, changed or not)
    """
    vocab_size = check_int(vocab_size, "vocab_size", minimum=2)
    ids = check_ids(ids, "ids", vocab_size)
    if ids.ndim not in (1, 2):
        raise ValueError(f"ids must have shape (N, L) or (L,), got {ids.shape}. Reshape it.")
    mask_id = check_int(mask_id, "mask_id", minimum=0, maximum=vocab_size - 1)
    check_rng(rng)
    mask_ratio = check_ratio(mask_ratio, "mask_ratio")
    rates = _check_rates(rates)
    eligible, special = _eligible(ids, special_ids, maskable, vocab_size)
    words = np.setdiff1d(np.arange(vocab_size), np.append(special, mask_id))
    if rates[1] > 0 and words.size == 0:
        raise ValueError("no word is left to draw as a random word: every id is special. "
                         "Set rates[1] to 0 or shorten special_ids.")
    rows = eligible.reshape(-1, ids.shape[-1])  # (L,) -> (1, L); (N, L) stays
    n = rows.sum(axis=1)  # (N,) positions that may be hidden, per row
    counts = np.where(n > 0, np.maximum(1, np.rint(mask_ratio * n)), 0).astype(np.int64)
    mask = _hide_exactly(rows, counts, rng).reshape(ids.shape)
    inputs = _corrupt(ids, mask, rates=rates, mask_id=mask_id, words=words, rng=rng)
    return inputs, mask
