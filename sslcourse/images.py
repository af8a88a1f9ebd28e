"""Masked images: hide pixels (or patches) of the digits and predict them from the visible ones.

The model sees an image whose hidden pixels are set to 0, together with the mask itself (so a
hidden pixel and a black one are told apart), squeezes both into a short code, and predicts
every pixel from the code. Only the hidden pixels are scored. Convention, as everywhere in the
course: mask True = hidden. Shape letters: N images, H and W their size (8 x 8 for the digits),
D the width of the code.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ._validation import check_array, check_int, check_number, check_rng
from .nn_torch.checks import check_generator, check_tensor
from .nn_torch.inference import evaluating
from .nn_torch.step import optimizer_step
from .masking import hide_pixels
from .threads import cpu_threads

__all__ = ["MaskedImageModel", "masked_mse", "pretrain_images", "reconstruct", "hide_pixels",
           "show_reconstructions"]


def _check_images(images, size, name="images"):
    """A float32 numpy array (N, H, W) with (H, W) = ``size``."""
    images = check_array(images, name, dtype_kind="fiu", finite=True)
    if images.ndim != 3 or images.shape[1:] != tuple(size):
        H, W = size
        raise ValueError(
            f"{name} must have shape (N, {H}, {W}), a stack of images, got shape {images.shape}. "
            f"For one image use {name}[None]; for flat rows use {name}.reshape(-1, {H}, {W})."
        )
    return images.astype(np.float32)


def _check_model(model):
    if not isinstance(model, MaskedImageModel):
        raise TypeError(f"model must be a sc.images.MaskedImageModel, got {type(model).__name__}. "
                        f"Make one with sc.images.MaskedImageModel(generator=torch.Generator().manual_seed(0)).")
    return model


def _linear(n_in, n_out, generator):
    """A Linear layer drawn from ``generator``: weights and bias uniform in +-1/sqrt(n_in),
    the range of torch's default."""
    layer = nn.Linear(n_in, n_out, device="meta")  # no draw from torch's global RNG: the weights come next
    bound = n_in**-0.5
    layer.weight = nn.Parameter((2 * torch.rand(n_out, n_in, generator=generator) - 1) * bound)
    layer.bias = nn.Parameter((2 * torch.rand(n_out, generator=generator) - 1) * bound)
    return layer


class MaskedImageModel(nn.Module):
    """Masked image model: (visible pixels, mask) -> code (N, D) -> every pixel.

    Parameters
    ----------
    shape : (H, W), the image size
    hidden : int, width of the hidden layers
    code : int, D, width of the code (the features a probe reads)
    generator : torch.Generator, draws the initial weights
    """

    def __init__(self, shape=(8, 8), *, hidden=128, code=32, generator):
        super().__init__()
        check_generator(generator)
        self.shape = tuple(check_int(n, f"shape[{i}]", minimum=2) for i, n in enumerate(shape))
        P, Hd = self.shape[0] * self.shape[1], check_int(hidden, "hidden", minimum=1)
        self.n_features = check_int(code, "code", minimum=1)
        self.encoder = nn.Sequential(_linear(2 * P, Hd, generator), nn.ReLU(),
                                     _linear(Hd, Hd, generator), nn.ReLU(),
                                     _linear(Hd, self.n_features, generator))
        self.decoder = nn.Sequential(_linear(self.n_features, Hd, generator), nn.ReLU(),
                                     _linear(Hd, P, generator))

    def _check(self, images, mask):
        if not isinstance(images, torch.Tensor) or images.dim() != 3 or tuple(images.shape[1:]) != self.shape:
            got = tuple(images.shape) if hasattr(images, "shape") else type(images).__name__
            raise ValueError(f"images must be a float Tensor of shape (N, {self.shape[0]}, {self.shape[1]}), "
                             f"got {got}. Convert with torch.as_tensor(images, dtype=torch.float32).")
        if mask.shape != images.shape or mask.dtype != torch.bool:
            raise ValueError(f"mask must be a bool Tensor of the images' shape {tuple(images.shape)} "
                             f"(True = hidden), got {mask.dtype} {tuple(mask.shape)}.")

    def encode(self, images, mask):
        """images (N, H, W), mask bool (N, H, W) -> code (N, D); hidden pixels are never seen."""
        self._check(images, mask)
        visible = images.masked_fill(mask, 0.0).flatten(1)  # (N, H, W) -> (N, H*W), hidden set to 0
        return self.encoder(torch.cat([visible, mask.flatten(1).float()], dim=1))  # (N, 2*H*W) -> (N, D)

    def forward(self, images, mask):
        """images (N, H, W), mask bool (N, H, W) -> predicted pixels (N, H, W)."""
        return self.decoder(self.encode(images, mask)).reshape(images.shape)  # (N, D) -> (N, H, W)

    def features(self, images):
        """The code of whole images, nothing hidden: (N, H, W) -> (N, D)."""
        return self.encode(images, torch.zeros_like(images, dtype=torch.bool))


def masked_mse(pred, target, mask):
    """Mean squared error over the hidden pixels only (mask True = hidden).

    Parameters
    ----------
    pred, target : Tensor (N, H, W)
    mask : bool Tensor (N, H, W)

    Returns
    -------
    scalar Tensor
    """
    check_tensor(pred, "pred", kind="float")
    check_tensor(target, "target", kind="float", finite=True)
    check_tensor(mask, "mask", kind="bool")
    if pred.shape != target.shape or mask.shape != target.shape:
        raise ValueError(f"pred, target and mask must have the same shape, got {tuple(pred.shape)}, "
                         f"{tuple(target.shape)} and {tuple(mask.shape)}. Pass the model's output for the "
                         f"images, the images and their mask.")
    if mask.dtype != torch.bool or not mask.any():
        raise ValueError("mask must be a bool Tensor with at least one True (hidden) pixel to score.")
    hidden = mask.to(pred.dtype)  # 1.0 where hidden, 0.0 where visible
    return ((pred - target) ** 2 * hidden).sum() / hidden.sum()


def pretrain_images(model, images, *, ratio, steps, rng, patch=1, batch_size=128, lr=3e-3):
    """Train ``model`` in place to fill in hidden pixels, with AdamW.

    Each step draws a batch of images and a fresh mask from ``rng``. It runs on one CPU thread
    (``sc.threads.cpu_threads``): faster for so small a model, and the same numbers on
    every machine.

    Parameters
    ----------
    model : MaskedImageModel
    images : ndarray (N, H, W), unlabelled
    ratio : float in (0, 1), the fraction of pixels hidden
    steps : int
    rng : numpy.random.Generator, draws the batches and masks
    patch : int, 1 for single pixels, or the side of hidden square patches
    batch_size, lr : the optimiser's settings

    Returns
    -------
    losses : ndarray (steps,), the masked MSE at each step
    """
    images = torch.as_tensor(_check_images(images, _check_model(model).shape))
    steps = check_int(steps, "steps", minimum=1)
    batch_size, lr = check_int(batch_size, "batch_size", minimum=1), check_number(lr, "lr", positive=True)
    check_rng(rng)
    hide_pixels(1, model.shape, ratio=ratio, patch=patch, rng=np.random.default_rng(0))  # checks ratio and patch
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    losses = np.empty(steps)
    model.train()
    with cpu_threads(1):
        for step in range(steps):
            batch = images[rng.integers(len(images), size=batch_size)]  # (B, H, W)
            mask = torch.as_tensor(hide_pixels(batch_size, model.shape, ratio=ratio, patch=patch, rng=rng))
            losses[step] = optimizer_step(optimizer, masked_mse(model(batch, mask), batch, mask)).item()
    return losses


def reconstruct(model, images, mask):
    """Fill in the hidden pixels with the model's predictions; visible pixels stay as they are.

    Parameters
    ----------
    model : MaskedImageModel
    images : ndarray (N, H, W)
    mask : bool ndarray (N, H, W), True = hidden

    Returns
    -------
    ndarray (N, H, W)
    """
    images = _check_images(images, _check_model(model).shape)
    mask = check_array(mask, "mask")
    if mask.dtype != bool or mask.shape != images.shape:
        raise ValueError(f"mask must be a bool array of the images' shape {images.shape} (True = hidden), "
                         f"got {mask.dtype} {mask.shape}. Make it with sc.masking.hide_pixels.")
    with evaluating(model), cpu_threads(1):
        pred = model(torch.as_tensor(images), torch.as_tensor(mask)).numpy()
    return np.where(mask, np.clip(pred, 0, 1), images)


def show_reconstructions(images, mask, filled, *, n=8):
    """Three rows of ``n`` images: originals, what the model sees, its reconstruction.

    Hidden pixels are drawn in red in the middle row.

    Returns
    -------
    fig, axes
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, n, figsize=(1.1 * n, 3.6))
    seen = np.stack([1 - images[:n]] * 3, axis=-1)  # (n, H, W) -> (n, H, W, 3), dark ink on white
    seen[mask[:n]] = (1.0, 0.3, 0.3)
    rows = [("original", images[:n]), ("model sees", seen), ("reconstruction", filled[:n])]
    for r, (title, row) in enumerate(rows):
        for i in range(n):
            axes[r, i].imshow(row[i], cmap="gray_r" if row[i].ndim == 2 else None, vmin=0, vmax=1)
            axes[r, i].set_xticks([])
            axes[r, i].set_yticks([])
        axes[r, 0].set_ylabel(title, fontsize="small")
    return fig, axes
