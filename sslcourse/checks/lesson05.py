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


def _mse_not_squared(pred, target, mask):
    return float(np.abs(pred - target)[mask].mean())


def _mse_rmse(pred, target, mask):
    return float(np.sqrt(((pred - target) ** 2)[mask].mean()))


def check_masked_mse(masked_mse):
    """Check ``masked_mse(pred, target, mask) -> float``."""
    images, pred, mask = _images_and_masks()
    one = np.zeros((1, 4, 4), dtype=bool)
    one[0, 1, 2] = True
    cases = [Case("3 images of 4 x 4, about a third hidden", (pred, images, mask)),
             Case("one image with a single hidden pixel", (pred[:1], images[:1], one))]
    mistakes = [
        Mistake(_mse_everywhere, "the error is averaged over every pixel: only the hidden pixels are "
                "scored (the visible ones are given to the model).", "Select the hidden pixels before averaging."),
        Mistake(_mse_visible, "mask polarity is flipped: True means hidden, and the hidden pixels are the "
                "ones to score.", "Select where the mask is True."),
        Mistake(_mse_sum, "the squared errors are summed: a mean does not grow with the number of hidden "
                "pixels.", "Divide by how many pixels are hidden."),
        Mistake(_mse_not_squared, "these are absolute errors: the mean squared error squares each difference.",
                "Square, do not take the absolute value."),
        Mistake(_mse_rmse, "that is the root of the mean squared error: the loss is the mean itself.",
                "Leave out the square root."),
    ]
    return check_function("masked_mse", masked_mse, _masked_mse, cases, mistakes=mistakes,
                          hint="the masked reconstruction loss: the mean squared error over the hidden "
                               "pixels only, as a float.",
                          more="Square the differences, keep the hidden ones, average them, and return a "
                               "Python float.")


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


def _input_mask_first(images, mask):
    out = _model_input(images, mask)
    half = out.shape[1] // 2
    return np.concatenate([out[:, half:], out[:, :half]], axis=1)


def check_model_input(model_input):
    """Check ``model_input(images, mask) -> ndarray (N, 2 * H * W)``."""
    images, _, mask = _images_and_masks()
    cases = [Case("3 images of 4 x 4", (images, mask)),
             Case("one image of 4 x 4", (images[1:2], mask[1:2]))]
    mistakes = [
        Mistake(_input_not_hidden, "the hidden pixels are still there: the model would read the answer off "
                "its input.", "Blank (set to 0) every hidden pixel before flattening."),
        Mistake(_input_flipped, "the visible pixels were blanked and the hidden ones kept: True means hidden.",
                "Blank where the mask is True, keep the rest."),
        Mistake(_input_all_flipped, "the mask is inverted everywhere, in the pixels and in the appended mask: "
                "True means hidden.", "Use the mask as it is, not its negation."),
        Mistake(_input_without_mask, "the mask itself is missing: without it a hidden pixel and a black one "
                "look the same.", "Append the flattened mask, as 0.0 / 1.0, after the pixels."),
        Mistake(_input_mask_first, "the mask comes first: the pixels come first, then the mask (the model's "
                "first layer expects that order).", "Pixels, then mask."),
    ]
    return check_function("model_input", model_input, _model_input, cases, mistakes=mistakes,
                          hint="what the model may see: the visible pixels (the hidden ones blanked) and "
                               "where the holes are, one flat row per image.",
                          more="(N, H, W) images become (N, H * W) rows; two such parts side by side make "
                               "(N, 2 * H * W), floats.")


# ---- fill_in: the reconstruction shown next to the original
def _fill_in(images, pred, mask):
    return np.where(mask, pred, images)


def _fill_in_swapped(images, pred, mask):
    return np.where(mask, images, pred)


def _fill_in_prediction_only(images, pred, mask):
    return pred.copy()


def _fill_in_zeros(images, pred, mask):
    return np.where(mask, 0.0, images)


def _fill_in_average(images, pred, mask):
    return np.where(mask, (pred + images) / 2, images)


def _fill_in_images_only(images, pred, mask):
    return images.copy()


def check_fill_in(fill_in):
    """Check ``fill_in(images, pred, mask) -> ndarray (N, H, W)``."""
    images, pred, mask = _images_and_masks()
    cases = [Case("3 images of 4 x 4", (images, pred, mask)),
             Case("one image", (images[2:], pred[2:], mask[2:]))]
    mistakes = [
        Mistake(_fill_in_swapped, "the two sources are swapped: the prediction fills the holes, the image "
                "gives the rest.", "Hidden (mask True) comes from pred."),
        Mistake(_fill_in_prediction_only, "every pixel comes from the prediction: the visible pixels were "
                "never the model's to predict.", "Keep the image wherever the mask is False."),
        Mistake(_fill_in_zeros, "the holes are left blank: fill them with the prediction.",
                "pred holds a value for every pixel; use it where the mask is True."),
        Mistake(_fill_in_images_only, "the holes were never filled: this is the original image, pixels the "
                "model never saw included.", "The hidden pixels must come from pred."),
        Mistake(_fill_in_average, "the holes hold an average of the image and the prediction: the true "
                "pixel is unknown there, so only the prediction may be used.",
                "Where hidden: the prediction alone."),
    ]
    return check_function("fill_in", fill_in, _fill_in, cases, mistakes=mistakes,
                          hint="a reconstruction to show: the model's prediction in the holes, the original "
                               "pixels everywhere else, as a new array.",
                          more="numpy can choose, pixel by pixel, between two arrays according to a boolean mask.")
