"""Augmentations of images: random views that keep what a digit is and change how it looks.

A joint-embedding model (lesson 10) learns to give two such views of one image the same code,
so each augmentation is a choice of what the code must *not* see: a 1-pixel shift says position
does not matter, a small rotation that slant does not, noise that faint specks do not. Every
function takes images (N, H, W) as floats and an explicit ``rng``; none changes its input.
"""
from __future__ import annotations

import numbers

import numpy as np

from ._validation import check_array, check_int, check_rng

__all__ = ["add_noise", "augment", "every_shift", "random_rotation", "random_shift", "rotate", "shift"]


def _check_images(images, name="images"):
    images = check_array(images, name, dtype_kind="fiu")
    if images.ndim != 3:
        raise ValueError(f"{name} must have shape (N, H, W), a stack of images, got shape {images.shape}. "
                         f"For one image use {name}[None].")
    return images.astype(np.float64)


def _check_number(value, name, *, minimum=0.0):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= minimum:
        raise ValueError(f"{name} must be a number of at least {minimum}, got {value!r}.")
    return float(value)


def shift(images, offsets):
    """Move each image by whole pixels, filling with 0 (black) what comes in at the edge.

    Parameters
    ----------
    images : ndarray (N, H, W)
    offsets : int ndarray (N, 2), (rows down, columns right) for each image

    Returns
    -------
    ndarray (N, H, W), float64
    """
    images = _check_images(images)
    offsets = check_array(offsets, "offsets", ndim=2, dtype_kind="iu")
    N, H, W = images.shape
    if offsets.shape != (N, 2):
        raise ValueError(f"offsets must have shape ({N}, 2), one (rows, columns) pair per image, "
                         f"got {offsets.shape}.")
    rows = np.arange(H)[None, :] - offsets[:, :1]  # (N, H): the source row of each output row
    cols = np.arange(W)[None, :] - offsets[:, 1:]  # (N, W)
    inside = ((rows >= 0) & (rows < H))[:, :, None] & ((cols >= 0) & (cols < W))[:, None, :]  # (N, H, W)
    n = np.arange(N)[:, None, None]
    out = images[n, np.clip(rows, 0, H - 1)[:, :, None], np.clip(cols, 0, W - 1)[:, None, :]]
    return np.where(inside, out, 0.0)


def random_shift(images, *, max_shift=1, rng):
    """Shift each image by a random whole number of pixels in [-max_shift, max_shift] per axis."""
    images = _check_images(images)
    s = check_int(max_shift, "max_shift", minimum=0)
    check_rng(rng)
    return shift(images, rng.integers(-s, s + 1, size=(len(images), 2)))


def every_shift(images, *, max_shift=1):
    """Every shift of every image: (N, H, W) -> ((2s+1)**2 * N, H, W), image by image."""
    images = _check_images(images)
    s = check_int(max_shift, "max_shift", minimum=0)
    grid = np.array([(r, c) for r in range(-s, s + 1) for c in range(-s, s + 1)])  # (S, 2)
    offsets = np.tile(grid, (len(images), 1))  # (N * S, 2)
    return shift(np.repeat(images, len(grid), axis=0), offsets)


def rotate(images, degrees):
    """Rotate each image about its centre (bilinear, 0 outside), anticlockwise by ``degrees``.

    Parameters
    ----------
    images : ndarray (N, H, W)
    degrees : float ndarray (N,), one angle per image

    Returns
    -------
    ndarray (N, H, W), float64
    """
    images = _check_images(images)
    degrees = check_array(degrees, "degrees", ndim=1, dtype_kind="fiu")
    N, H, W = images.shape
    if len(degrees) != N:
        raise ValueError(f"degrees must hold one angle per image, {N}, got {len(degrees)}.")
    theta = np.deg2rad(degrees)[:, None, None]  # (N, 1, 1)
    y, x = np.meshgrid(np.arange(H) - (H - 1) / 2, np.arange(W) - (W - 1) / 2, indexing="ij")  # (H, W)
    # the source of each output pixel: rotate the output grid back by theta (rows point down)
    src_y = np.cos(theta) * y + np.sin(theta) * x + (H - 1) / 2  # (N, H, W)
    src_x = -np.sin(theta) * y + np.cos(theta) * x + (W - 1) / 2
    y0, x0 = np.floor(src_y).astype(int), np.floor(src_x).astype(int)
    fy, fx = src_y - y0, src_x - x0
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))  # (N, H+2, W+2): zeros just outside
    n = np.arange(N)[:, None, None]

    def pixel(r, c):  # padded lookup; anything further out is 0
        ok = (r >= -1) & (r <= H) & (c >= -1) & (c <= W)
        return np.where(ok, padded[n, np.clip(r + 1, 0, H + 1), np.clip(c + 1, 0, W + 1)], 0.0)

    return ((1 - fy) * (1 - fx) * pixel(y0, x0) + (1 - fy) * fx * pixel(y0, x0 + 1)
            + fy * (1 - fx) * pixel(y0 + 1, x0) + fy * fx * pixel(y0 + 1, x0 + 1))


def random_rotation(images, *, max_degrees=10.0, rng):
    """Rotate each image by an angle drawn uniformly in [-max_degrees, max_degrees]."""
    images = _check_images(images)
    m = _check_number(max_degrees, "max_degrees")
    check_rng(rng)
    return rotate(images, rng.uniform(-m, m, size=len(images)))


def add_noise(images, *, std=0.05, rng):
    """Add Gaussian noise of standard deviation ``std`` and clip to [0, 1]."""
    images = _check_images(images)
    std = _check_number(std, "std")
    check_rng(rng)
    return np.clip(images + std * rng.standard_normal(images.shape), 0.0, 1.0)


def augment(images, *, rng, max_shift=1, max_degrees=10.0, noise=0.05):
    """One random view of each image: a small rotation, then a shift, then noise.

    Parameters
    ----------
    images : ndarray (N, H, W), values in [0, 1]
    rng : numpy.random.Generator
    max_shift : int, pixels per axis (0: no shift)
    max_degrees : float (0: no rotation)
    noise : float, the noise's standard deviation (0: none)

    Returns
    -------
    ndarray (N, H, W), float64
    """
    views = _check_images(images)
    check_rng(rng)
    if _check_number(max_degrees, "max_degrees") > 0:
        views = random_rotation(views, max_degrees=max_degrees, rng=rng)
    if check_int(max_shift, "max_shift", minimum=0) > 0:
        views = random_shift(views, max_shift=max_shift, rng=rng)
    if _check_number(noise, "noise") > 0:
        views = add_noise(views, std=noise, rng=rng)
    return views
