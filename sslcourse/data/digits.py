"""The 8x8 handwritten digits that scikit-learn ships (no download), centred or moving."""
from __future__ import annotations

import numbers

import numpy as np

from .._validation import check_array, check_int

__all__ = ["load_digits", "load_moving_digits", "place_digits"]


def load_digits():
    """All 1,797 digit images.

    Returns
    -------
    images : ndarray of float64, shape (N, 8, 8)
        Pixel intensities in [0, 1].
    labels : ndarray of int64, shape (N,)
        The digit, 0 to 9.
    """
    from sklearn.datasets import load_digits as _sklearn_digits

    digits = _sklearn_digits()
    return digits.images.astype(np.float64) / 16.0, digits.target.astype(np.int64)


def place_digits(images, offsets, *, max_shift=1):
    """Put each 8x8 image on a black canvas of side 8 + 2 * max_shift, moved from the centre.

    Parameters
    ----------
    images : ndarray (N, 8, 8)
    offsets : int ndarray (N, 2), (rows down, columns right) from the centre, each in
        [-max_shift, max_shift]; all zeros gives the centred digits on the larger canvas
    max_shift : int

    Returns
    -------
    ndarray (N, 8 + 2s, 8 + 2s), float64
    """
    images = check_array(images, "images", ndim=3, dtype_kind="fiu")
    s = check_int(max_shift, "max_shift", minimum=0)
    offsets = check_array(offsets, "offsets", ndim=2, dtype_kind="iu")
    N, H, W = images.shape
    if offsets.shape != (N, 2):
        raise ValueError(f"offsets must have shape ({N}, 2), one (rows, columns) pair per image, got "
                         f"{offsets.shape}.")
    if offsets.size and np.abs(offsets).max() > s:
        raise ValueError(f"offsets must lie in [-{s}, {s}] for max_shift={s}, got {np.abs(offsets).max()}. "
                         f"Pass a larger max_shift.")
    canvas = np.zeros((N, H + 2 * s, W + 2 * s))
    for (r, c) in {tuple(o) for o in offsets.tolist()}:  # one slice assignment per distinct offset
        rows = np.flatnonzero((offsets[:, 0] == r) & (offsets[:, 1] == c))
        canvas[rows, s + r: s + r + H, s + c: s + c + W] = images[rows]
    return canvas


def load_moving_digits(*, max_shift=1, max_degrees=0.0, noise=0.0, seed=0, return_offsets=False):
    """The digits, each at a random whole-pixel offset on a slightly larger canvas.

    A photograph never frames its object the same way twice; raw pixels do not factor that out.
    Each digit is moved by an offset drawn uniformly in [-max_shift, max_shift] per axis from
    ``numpy.random.default_rng(seed)``, so the same seed gives the same images everywhere.

    Parameters
    ----------
    max_shift : int, the largest move per axis; the canvas side is 8 + 2 * max_shift
    max_degrees : float, optional small rotations, uniform in [-max_degrees, max_degrees]
    noise : float, optional Gaussian noise (standard deviation), clipped to [0, 1]
    seed : int
    return_offsets : bool, also return the offsets

    Returns
    -------
    images : ndarray of float64 (1797, 8 + 2s, 8 + 2s), in [0, 1]
    labels : ndarray of int64 (1797,)
    offsets : int ndarray (1797, 2), only when ``return_offsets``
    """
    from ..augment import add_noise, random_rotation

    s = check_int(max_shift, "max_shift", minimum=0, maximum=8)
    seed = check_int(seed, "seed", minimum=0)
    for name, value in (("max_degrees", max_degrees), ("noise", noise)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value:
            raise ValueError(f"{name} must be a number of at least 0, got {value!r}. Use 0 to turn it off.")
    images, labels = load_digits()
    rng = np.random.default_rng(seed)
    offsets = rng.integers(-s, s + 1, size=(len(images), 2))
    moved = place_digits(images, offsets, max_shift=s)
    if max_degrees > 0:
        moved = np.clip(random_rotation(moved, max_degrees=max_degrees, rng=rng), 0.0, 1.0)
    if noise > 0:
        moved = add_noise(moved, std=noise, rng=rng)
    return (moved, labels, offsets) if return_offsets else (moved, labels)
