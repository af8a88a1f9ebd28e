"""The 8x8 handwritten digits that scikit-learn ships (no download)."""
from __future__ import annotations

import numpy as np


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
