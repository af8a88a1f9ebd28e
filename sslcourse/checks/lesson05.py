"""Checkers for the exercises of lesson 05 (solutions/05_exercises.ipynb): masked images.

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use. Mask True = hidden.
"""
from __future__ import annotations

import numpy as np

from ._core import Case, Mistake, check_function

__all__ = ["check_masked_mse", "check_model_input", "check_fill_in"]

_RNG_SEED = 505


def _images_and_masks():
    rng = np.random.default_rng(_RNG_SEED)
    images, pred = rng.random((3, 4, 4)), rng.random((3, 4, 4))
    mask = rng.random((3, 4, 4)) < 0.3
    mask[0, 0, 0], mask[2] = True, rng.random((4, 4)) < 0.8  # every image hides something; one hides most
    return images, pred, mask


# ---- masked_mse: squared error averaged over the hidden pixels only
def _masked_mse(pred, target, mask):
    return float(((pred - target) ** 2)[mask].mean())


def _mse_everywhere(pred, target, mask):
    return float(((pred - target) ** 2).mean())


def _mse_visible(pred, target, mask):
    return float(((pred - target) ** 2)[~mask].mean())


def _mse_sum(pred, target, mask):
    return float(((pred - target) ** 2)[mask].sum())


def check_masked_mse(masked_mse):
    """Check ``masked_mse(pred, target, mask) -> float``."""
    images, pred, mask = _images_and_masks()
    one = np.zeros((1, 4, 4), dtype=bool)
    one[0, 1, 2] = True
    cases = [Case("3 images of 4 x 4, about a third hidden", (pred, images, mask)),
             Case("one image with a single hidden pixel", (pred[:1], images[:1], one))]
    mistakes = [
        Mistake(_mse_everywhere, "the error is averaged over every pixel: score the hidden ones only, "
                "err[mask].mean()."),
        Mistake(_mse_visible, "mask polarity is flipped: True means hidden, and the hidden pixels are the "
                "ones to score."),
        Mistake(_mse_sum, "the squared errors are summed: take their mean over the hidden pixels, so the "
                "loss does not grow with the number hidden."),
    ]
    return check_function("masked_mse", masked_mse, _masked_mse, cases, mistakes=mistakes,
                          hint="square the errors, keep those where mask is True, and average them.")


# ---- model_input: what the model is allowed to see
def _model_input(images, mask):
    N = len(images)
    visible = np.where(mask, 0.0, images).reshape(N, -1)  # (N, H, W) -> (N, H*W), hidden set to 0
    return np.concatenate([visible, mask.reshape(N, -1).astype(float)], axis=1)  # (N, 2*H*W)


def _input_not_hidden(images, mask):
    N = len(images)
    return np.concatenate([images.reshape(N, -1), mask.reshape(N, -1).astype(float)], axis=1)


def _input_flipped(images, mask):
    N = len(images)
    shown = np.where(mask, images, 0.0).reshape(N, -1)  # the visible pixels are the ones set to 0
    return np.concatenate([shown, mask.reshape(N, -1).astype(float)], axis=1)


def _input_all_flipped(images, mask):
    return _model_input(images, ~mask)


def _input_without_mask(images, mask):
    return np.where(mask, 0.0, images).reshape(len(images), -1)


def check_model_input(model_input):
    """Check ``model_input(images, mask) -> ndarray (N, 2 * H * W)``."""
    images, _, mask = _images_and_masks()
    cases = [Case("3 images of 4 x 4", (images, mask)),
             Case("one image of 4 x 4", (images[1:2], mask[1:2]))]
    mistakes = [
        Mistake(_input_not_hidden, "the hidden pixels are still there: set them to 0 first, or the model "
                "reads the answer off its input."),
        *(Mistake(wrong, "mask polarity is flipped: True means hidden, so np.where(mask, 0, images) "
                  "keeps what is visible.") for wrong in (_input_flipped, _input_all_flipped)),
        Mistake(_input_without_mask, "the mask itself is missing: append it (as 0.0 / 1.0) after the pixels, "
                "so that a hidden pixel and a black one look different."),
    ]
    return check_function("model_input", model_input, _model_input, cases, mistakes=mistakes,
                          hint="hidden pixels to 0, flatten each image to H * W values, then append the "
                               "flattened mask as floats: (N, 2 * H * W).")


# ---- fill_in: the reconstruction shown next to the original
def _fill_in(images, pred, mask):
    return np.where(mask, pred, images)


def _fill_in_swapped(images, pred, mask):
    return np.where(mask, images, pred)


def _fill_in_prediction_only(images, pred, mask):
    return pred.copy()


def check_fill_in(fill_in):
    """Check ``fill_in(images, pred, mask) -> ndarray (N, H, W)``."""
    images, pred, mask = _images_and_masks()
    cases = [Case("3 images of 4 x 4", (images, pred, mask)),
             Case("one image", (images[2:], pred[2:], mask[2:]))]
    mistakes = [
        Mistake(_fill_in_swapped, "the two sources are swapped: hidden pixels (mask True) come from the "
                "prediction, visible ones from the image."),
        Mistake(_fill_in_prediction_only, "every pixel comes from the prediction: keep the visible pixels "
                "as they are, the model was never asked to predict them."),
    ]
    return check_function("fill_in", fill_in, _fill_in, cases, mistakes=mistakes,
                          hint="np.where(mask, pred, images): the prediction where hidden, the image elsewhere.")
