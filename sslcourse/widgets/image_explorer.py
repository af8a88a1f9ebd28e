"""The image masking explorer: hide pixels or patches of a digit and see it reconstructed."""
from __future__ import annotations

import io

import ipywidgets as widgets
import numpy as np

from .._validation import check_array, check_int, check_mask, check_ratio
from ..masking import hide_pixels
from ._base import Explorer


def neighbour_fill(images, mask, *, steps=30):
    """A reconstruction with no learning: hidden pixels take the mean of their 4 neighbours.

    Parameters
    ----------
    images : ndarray (N, H, W)
    mask : bool ndarray (N, H, W), True = hidden

    Returns
    -------
    ndarray (N, H, W): ``images`` where visible, the smoothed guess where hidden.
    """
    images = check_array(images, "images", ndim=3, dtype_kind="fiu", finite=True).astype(np.float64)
    mask = check_mask(mask, "mask", images.shape)
    visible_mean = (images * ~mask).sum(axis=(1, 2)) / np.maximum((~mask).sum(axis=(1, 2)), 1)  # (N,)
    out = np.where(mask, visible_mean[:, None, None], images)
    for _ in range(check_int(steps, "steps", minimum=0)):
        p = np.pad(out, ((0, 0), (1, 1), (1, 1)), mode="edge")  # (N, H+2, W+2)
        around = (p[:, :-2, 1:-1] + p[:, 2:, 1:-1] + p[:, 1:-1, :-2] + p[:, 1:-1, 2:]) / 4
        out = np.where(mask, around, images)
    return out


class ImageMaskState:
    """One image, a random mask at a ratio, and a model's reconstruction.

    Parameters
    ----------
    images : ndarray (N, H, W), values in [0, 1]
    reconstruct : callable or None
        ``reconstruct(images (n, H, W), mask (n, H, W) bool) -> (n, H, W)``; None: ``neighbour_fill``.
    labels : ndarray (N,) or None
    ratio : float in (0, 1), the fraction of pixels (or patches) hidden
    patch : int, side of a hidden square (1 = single pixels)
    index, seed : int, which image and which random mask
    """

    def __init__(self, images, reconstruct=None, *, labels=None, ratio=0.5, patch=1, index=0, seed=0):
        self.images = check_array(images, "images", ndim=3, dtype_kind="fiu", finite=True).astype(np.float64)
        self.reconstruct = neighbour_fill if reconstruct is None else reconstruct
        if not callable(self.reconstruct):
            raise TypeError(f"reconstruct must be a function (images, mask) -> images, got "
                            f"{type(reconstruct).__name__}.")
        if labels is not None:
            labels = check_array(labels, "labels", ndim=1, dtype_kind="iu")
            if len(labels) != len(self.images):
                raise ValueError(f"labels must have one entry per image ({len(self.images)}), got {len(labels)}.")
        self.labels = labels
        self.ratio = check_ratio(ratio, "ratio")
        self.patch, self.seed = self._check_patch(patch), check_int(seed, "seed", minimum=0)
        self.index = check_int(index, "index", minimum=0, maximum=len(self.images) - 1)

    def _check_patch(self, patch):
        patch = check_int(patch, "patch", minimum=1)
        H, W = self.images.shape[1:]
        if patch > 1 and (H != W or H % patch or H // patch < 2):
            sizes = [p for p in range(1, H // 2 + 1) if H == W and H % p == 0]
            raise ValueError(f"patch must cut the {H} x {W} images into a square grid of at least 2 x 2 "
                             f"patches, got {patch}. Pick one of {sizes or [1]}.")
        return patch

    def mask(self):
        """Bool (H, W), True = hidden; the same seed hides nested sets as the ratio grows."""
        rng = np.random.default_rng(self.seed)
        return hide_pixels(1, self.images.shape[1:], ratio=self.ratio, patch=self.patch, rng=rng)[0]  # (H, W)

    def update(self, **changes):
        """Set ``ratio``, ``patch``, ``index`` or ``seed`` (checked) and return ``self``."""
        checks = {"ratio": lambda v: check_ratio(v, "ratio"), "patch": self._check_patch,
                  "index": lambda v: check_int(v, "index", minimum=0, maximum=len(self.images) - 1),
                  "seed": lambda v: check_int(v, "seed", minimum=0)}
        for name, value in changes.items():
            if name not in checks:
                raise TypeError(f"update() got an unknown setting {name!r}; use one of {sorted(checks)}.")
            setattr(self, name, checks[name](value))
        return self

    def panels(self):
        """``(image, mask, reconstruction)``: (H, W) each."""
        image, mask = self.images[self.index], self.mask()
        out = np.asarray(self.reconstruct(image[None], mask[None]), dtype=np.float64)
        if out.shape != (1, *image.shape):
            raise ValueError(f"reconstruct must return images of shape {(1, *image.shape)}, got {out.shape}.")
        return image, mask, out[0]

    def summary(self):
        """Text: the numbers and the three images as characters (? = hidden); never raises."""
        what = "" if self.labels is None else f" (digit {int(self.labels[self.index])})"
        kind = "pixels" if self.patch == 1 else f"{self.patch}x{self.patch} patches"
        try:
            image, mask, recon = self.panels()
        except Exception as err:  # the learner's reconstruct failed: say so instead of failing
            return f"image {self.index}{what}: reconstruct failed: {type(err).__name__}: {err}"
        error = float(((recon - image)[mask] ** 2).mean())
        lines = [f"image {self.index}{what}, hiding {self.ratio:.2f} of the {kind}: "
                 f"{int(mask.sum())} of {mask.size} pixels hidden; reconstruction MSE on them {error:.3f}",
                 f"{'original':<{image.shape[1] + 2}}{'masked':<{image.shape[1] + 2}}reconstruction"]
        for row in range(image.shape[0]):
            masked = "".join("?" if m else c for m, c in zip(mask[row], _shades(image[row])))
            lines.append(f"{_shades(image[row])}  {masked}  {_shades(recon[row])}")
        return "\n".join(lines)


def _shades(values):
    ramp = " .:-=+*#%@"
    idx = np.clip(np.round(np.asarray(values) * (len(ramp) - 1)), 0, len(ramp) - 1).astype(int)
    return "".join(ramp[i] for i in idx)


def panels_png(image, mask, recon, *, scale=24):
    """PNG bytes of three panels side by side; hidden pixels in light blue."""
    from matplotlib.image import imsave

    image = check_array(image, "image", ndim=2, dtype_kind="fiu", finite=True)
    mask = check_mask(mask, "mask", image.shape)
    recon = check_array(recon, "recon", ndim=2, dtype_kind="fiu", finite=True)
    if recon.shape != image.shape:
        raise ValueError(f"recon must have the image's shape {image.shape}, got {recon.shape}. "
                         f"Pass the reconstruction of this very image.")
    scale = check_int(scale, "scale", minimum=1)
    gray = lambda x: np.repeat(1.0 - np.clip(x, 0, 1)[..., None], 3, axis=-1)  # (H, W, 3), ink dark
    masked = np.where(mask[..., None], np.array([0.65, 0.8, 1.0]), gray(image))
    gap = np.full((image.shape[0], 1, 3), 0.6)  # a grey bar between panels
    row = np.concatenate([gray(image), gap, masked, gap, gray(recon)], axis=1)  # (H, 3W+2, 3)
    big = np.kron(row, np.ones((scale, scale, 1)))
    buffer = io.BytesIO()
    imsave(buffer, big, format="png")
    return buffer.getvalue()



class ImageMaskExplorer(Explorer):
    """Slide the masking ratio and watch a digit being hidden and reconstructed.

    Parameters as ``ImageMaskState`` (the image shown first is image 0); ``seed`` is the first
    random mask, and the "new random mask" button draws the next.
    """

    def __init__(self, images, reconstruct=None, *, labels=None, ratio=0.5, patch=1, seed=0):
        self.state = ImageMaskState(images, reconstruct, labels=labels, ratio=ratio, patch=patch, seed=seed)
        N, H, W = self.state.images.shape
        sizes = [p for p in range(1, H // 2 + 1) if H == W and H % p == 0] or [1]
        wide = {"style": {"description_width": "initial"}}
        self.ratio = widgets.FloatSlider(value=self.state.ratio, min=0.05, max=0.95, step=0.05,
                                         description="masking ratio", readout_format=".2f", **wide)
        self.index = widgets.IntSlider(value=0, min=0, max=N - 1, description="image", **wide)
        self.patch = widgets.Dropdown(options=[("pixels" if p == 1 else f"{p}x{p} patches", p) for p in sizes],
                                      value=self.state.patch, description="hide", **wide)
        self.new_mask = widgets.Button(description="new random mask")
        self.picture, self.text = widgets.Image(format="png"), widgets.HTML()
        self.widget = widgets.VBox([widgets.HBox([self.ratio, self.patch]), widgets.HBox([self.index, self.new_mask]),
                                    widgets.Label("original | masked (hidden in blue) | reconstruction"),
                                    self.picture, self.text])
        for control, name in ((self.ratio, "ratio"), (self.index, "index"), (self.patch, "patch")):
            control.observe(lambda change, name=name: self._set(**{name: change["new"]}), names="value")
        self.new_mask.on_click(lambda _: self._set(seed=self.state.seed + 1))
        self._redraw()

    def summary(self):
        """The numbers and the three images drawn with characters (? = hidden)."""
        return self.state.summary()

    def _set(self, **changes):
        self.state.update(**changes)
        self._redraw()

    def _redraw(self):
        try:
            self.picture.value = panels_png(*self.state.panels())
        except Exception:  # a failing reconstruct is reported in the text below
            self.picture.value = b""
        self._show(self.summary())
