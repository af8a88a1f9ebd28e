"""Moving digits (sc.data.load_moving_digits) and the augmentations (sc.augment)."""
import numpy as np
import pytest

import sslcourse as sc
from sslcourse import augment


def test_moving_digits_are_the_digits_moved_by_their_offsets():
    images, labels, offsets = sc.data.load_moving_digits(return_offsets=True)
    plain, plain_labels = sc.data.load_digits()
    assert images.shape == (1797, 10, 10) and images.dtype == np.float64
    assert np.array_equal(labels, plain_labels)
    assert offsets.min() == -1 and offsets.max() == 1
    assert len({tuple(o) for o in offsets.tolist()}) == 9  # every offset of the 3 x 3 grid occurs
    for i in (0, 1, 500, 1796):
        r, c = offsets[i] + 1
        assert np.array_equal(images[i, r:r + 8, c:c + 8], plain[i])
        assert images[i].sum() == pytest.approx(plain[i].sum())  # nothing falls off the canvas


def test_moving_digits_come_from_the_seed_alone():
    a, _ = sc.data.load_moving_digits(seed=3)
    b, _ = sc.data.load_moving_digits(seed=3)
    c, _ = sc.data.load_moving_digits(seed=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_moving_digits_options_rotate_and_add_noise_within_unit_range():
    images, _ = sc.data.load_moving_digits(max_shift=2, max_degrees=10.0, noise=0.05, seed=1)
    assert images.shape == (1797, 12, 12)
    assert images.min() >= 0.0 and images.max() <= 1.0
    plain, _ = sc.data.load_moving_digits(max_shift=2, seed=1)
    assert not np.array_equal(images, plain)


def test_centred_digits_on_the_canvas_are_the_digits_padded():
    plain, _ = sc.data.load_digits()
    centred = sc.data.place_digits(plain[:5], np.zeros((5, 2), dtype=int), max_shift=1)
    assert np.array_equal(centred, np.pad(plain[:5], ((0, 0), (1, 1), (1, 1))))


def test_moving_digits_errors_name_the_argument():
    with pytest.raises(TypeError, match="max_shift must be a whole number"):
        sc.data.load_moving_digits(max_shift=1.5)
    with pytest.raises(ValueError, match="noise must be a number of at least 0"):
        sc.data.load_moving_digits(noise=-0.1)
    with pytest.raises(ValueError, match=r"offsets must lie in \[-1, 1\]"):
        sc.data.place_digits(np.zeros((1, 8, 8)), np.array([[2, 0]]), max_shift=1)
    with pytest.raises(ValueError, match=r"offsets must have shape \(2, 2\)"):
        sc.data.place_digits(np.zeros((2, 8, 8)), np.array([[0, 0]]), max_shift=1)


def test_shift_moves_pixels_and_fills_with_black():
    x = np.arange(9.0).reshape(1, 3, 3)
    down_right = augment.shift(x, np.array([[1, 1]]))
    assert down_right.tolist() == [[[0, 0, 0], [0, 0, 1], [0, 3, 4]]]
    assert np.array_equal(augment.shift(x, np.array([[0, 0]])), x)
    up_left = augment.shift(x, np.array([[-1, -1]]))
    assert up_left.tolist() == [[[4, 5, 0], [7, 8, 0], [0, 0, 0]]]


def test_every_shift_lists_the_nine_shifts_image_by_image():
    x = np.random.default_rng(0).random((2, 4, 4))
    out = augment.every_shift(x, max_shift=1)
    assert out.shape == (18, 4, 4)
    assert np.array_equal(out[4], x[0]) and np.array_equal(out[13], x[1])  # the middle one is no shift


def test_rotate_matches_quarter_turns_and_keeps_its_input():
    x = np.random.default_rng(1).random((3, 5, 5))
    before = x.copy()
    out = augment.rotate(x, np.array([90.0, 180.0, 0.0]))
    assert np.allclose(out[0], np.rot90(x[0]), atol=1e-12)  # anticlockwise, as drawn
    assert np.allclose(out[1], np.rot90(x[1], 2), atol=1e-12)
    assert np.allclose(out[2], x[2], atol=1e-12)
    assert np.array_equal(x, before)


def test_random_augmentations_follow_their_rng_and_stay_in_range():
    images, _ = sc.data.load_moving_digits()
    a = augment.augment(images[:50], rng=np.random.default_rng(0))
    b = augment.augment(images[:50], rng=np.random.default_rng(0))
    c = augment.augment(images[:50], rng=np.random.default_rng(1))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert a.min() >= 0 and a.max() <= 1 and a.shape == (50, 10, 10)
    same = augment.augment(images[:5], rng=np.random.default_rng(0), max_shift=0, max_degrees=0, noise=0)
    assert np.array_equal(same, images[:5])


def test_augmentation_errors_name_the_argument():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"images must have shape \(N, H, W\)"):
        augment.random_shift(np.zeros((8, 8)), rng=rng)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        augment.add_noise(np.zeros((1, 8, 8)), rng=0)
    with pytest.raises(ValueError, match="std must be a number of at least 0"):
        augment.add_noise(np.zeros((1, 8, 8)), std=-1, rng=rng)
    with pytest.raises(ValueError, match="degrees must hold one angle per image"):
        augment.rotate(np.zeros((2, 8, 8)), np.zeros(3))
    with pytest.raises(TypeError, match="images must have a float or integer dtype"):
        augment.random_shift(np.zeros((1, 8, 8), dtype=bool), rng=rng)
