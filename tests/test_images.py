"""sslcourse.images: masks, the masked loss, the model, training, reconstruction, bad input."""
import numpy as np
import pytest
import torch

from sslcourse import images as im


def tiny_images(n=6, seed=0):
    return np.random.default_rng(seed).random((n, 8, 8))


def model(seed=0):
    return im.MaskedImageModel(hidden=16, code=4, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("ratio, patch, hidden", [(0.25, 1, 16), (0.75, 1, 48), (0.5, 2, 32), (0.25, 4, 16)])
def test_hide_pixels_hides_exact_counts_in_whole_patches(ratio, patch, hidden):
    mask = im.hide_pixels(5, ratio=ratio, patch=patch, rng=np.random.default_rng(0))
    assert mask.shape == (5, 8, 8) and mask.dtype == bool
    assert mask.reshape(5, -1).sum(axis=1).tolist() == [hidden] * 5
    blocks = mask.reshape(5, 8 // patch, patch, 8 // patch, patch)
    assert np.all(blocks.all(axis=(2, 4)) == blocks.any(axis=(2, 4)))  # a patch is all hidden or all seen
    again = im.hide_pixels(5, ratio=ratio, patch=patch, rng=np.random.default_rng(0))
    assert np.array_equal(mask, again)


def test_masked_mse_scores_hidden_pixels_only():
    target = torch.zeros(2, 8, 8)
    pred = torch.zeros(2, 8, 8)
    mask = torch.zeros(2, 8, 8, dtype=torch.bool)
    mask[0, 0, :4] = True
    pred[0, 0, :2] = 2.0  # two of the four hidden pixels are off by 2
    pred[1] = 100.0  # visible pixels: never scored
    assert im.masked_mse(pred, target, mask).item() == pytest.approx(2.0)


def test_the_model_never_sees_hidden_pixels():
    net = model()
    x = torch.as_tensor(tiny_images(3), dtype=torch.float32)
    mask = torch.as_tensor(im.hide_pixels(3, ratio=0.5, rng=np.random.default_rng(0)))
    changed = x.clone()
    changed[mask] = 1 - changed[mask]  # change only what is hidden
    assert torch.equal(net(x, mask), net(changed, mask))
    assert net(x, mask).shape == (3, 8, 8) and net.features(x).shape == (3, 4)


def test_pretraining_lowers_the_loss_and_is_reproducible():
    data = tiny_images(64)
    runs = []
    for _ in range(2):
        net = model()
        runs.append(im.pretrain_images(net, data, ratio=0.5, steps=30, batch_size=16, lr=1e-2,
                                       rng=np.random.default_rng(0)))
    assert np.array_equal(runs[0], runs[1])
    assert runs[0][-5:].mean() < runs[0][:5].mean()


def test_reconstruct_keeps_visible_pixels():
    data = tiny_images(4)
    mask = im.hide_pixels(4, ratio=0.5, rng=np.random.default_rng(1))
    filled = im.reconstruct(model(), data, mask)
    assert np.allclose(filled[~mask], data[~mask])
    assert filled.shape == data.shape and filled.min() >= 0 and filled.max() <= 1


@pytest.mark.parametrize("bad, message", [
    (np.zeros(64), "images must have shape (N, 8, 8), a stack of images, got shape (64,). "
                   "For one image use images[None]; for flat rows use images.reshape(-1, 8, 8)."),
    (np.zeros((3, 64)), "images must have shape (N, 8, 8), a stack of images, got shape (3, 64)."),
    (np.zeros((3, 4, 4)), "images must have shape (N, 8, 8), a stack of images, got shape (3, 4, 4)."),
])
def test_images_of_the_wrong_shape(bad, message):
    with pytest.raises(ValueError) as info:
        im.pretrain_images(model(), bad, ratio=0.5, steps=1, rng=np.random.default_rng(0))
    assert str(info.value).startswith(message)


def test_other_bad_input():
    net = model()
    with pytest.raises(ValueError, match=r"images must be a float Tensor of shape \(N, 8, 8\), got \(2, 64\)"):
        net.features(torch.zeros(2, 64))
    with pytest.raises(ValueError, match=r"mask must be a bool array of the images' shape \(2, 8, 8\)"):
        im.reconstruct(net, np.zeros((2, 8, 8)), np.zeros((2, 8, 8)))
    with pytest.raises(ValueError, match=r"patch must divide the square image side, 8 x 8, got patch=3"):
        im.hide_pixels(2, ratio=0.5, patch=3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"ratio must lie in \(0.0, 1.0\), got 1.5"):
        im.hide_pixels(2, ratio=1.5, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="generator must be a torch.Generator, got int"):
        im.MaskedImageModel(generator=0)
    with pytest.raises(ValueError, match="mask must be a bool Tensor with at least one True"):
        im.masked_mse(torch.zeros(1, 8, 8), torch.zeros(1, 8, 8), torch.zeros(1, 8, 8, dtype=torch.bool))


def test_a_model_that_is_not_a_masked_image_model():
    with pytest.raises(TypeError, match="model must be a sc.images.MaskedImageModel, got Linear"):
        im.pretrain_images(torch.nn.Linear(2, 2), tiny_images(2), ratio=0.5, steps=1, rng=np.random.default_rng(0))
