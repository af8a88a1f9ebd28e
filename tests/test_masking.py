"""Properties of sslcourse.masking: exact counts, polarity (True = hidden), specials, seeds."""
import numpy as np
import pytest

from sslcourse import masking

PAD, MASK, V = 0, 1, 50


def make_ids(rng, shape=(1000, 100)):
    return rng.integers(2, V, size=shape)  # ordinary words only: no PAD, no MASK


def bert(ids, seed=0, **kwargs):
    kwargs = {"mask_id": MASK, "vocab_size": V, "special_ids": (PAD,), **kwargs}
    return masking.bert_mask(ids, rng=np.random.default_rng(seed), **kwargs)


def test_bert_mask_hides_exactly_the_rounded_count_per_row():
    rng = np.random.default_rng(0)
    ids = make_ids(rng, (6, 20))
    ids[1, 10:] = PAD  # 10 words: round(1.5) = 2 hidden
    ids[2, 3:] = PAD  # 3 words: round(0.45) = 0, raised to 1
    ids[3, :] = PAD  # no word: nothing hidden
    inputs, mask = bert(ids)
    assert mask.dtype == bool and inputs.dtype == ids.dtype
    assert mask.sum(axis=1).tolist() == [3, 2, 1, 0, 3, 3]
    assert not mask[ids == PAD].any()  # specials never hidden
    assert np.array_equal(inputs[ids == PAD], ids[ids == PAD])


def test_bert_mask_polarity():
    inputs, mask = bert(make_ids(np.random.default_rng(0), (50, 40)))
    ids = make_ids(np.random.default_rng(0), (50, 40))
    assert np.all(mask[inputs == MASK])  # every mask token sits at a hidden position
    assert np.array_equal(inputs[~mask], ids[~mask])  # visible positions are untouched
    assert (inputs[mask] == MASK).mean() > 0.5


def test_bert_mask_80_10_10_within_4_standard_deviations():
    ids = make_ids(np.random.default_rng(1))
    inputs, mask = bert(ids, mask_ratio=0.2)
    n = mask.sum()
    assert n == 20_000
    n_words = V - 2  # random words: every id but PAD and MASK
    changed = (inputs != ids) & (inputs != MASK)
    observed = [(inputs[mask] == MASK).mean(), changed[mask].mean(), (inputs == ids)[mask].mean()]
    expected = [0.8, 0.1 * (1 - 1 / n_words), 0.1 + 0.1 / n_words]  # a random word can be the same
    for got, p in zip(observed, expected):
        assert abs(got - p) < 4 * np.sqrt(p * (1 - p) / n), (observed, expected)
    assert not np.isin(inputs[changed], [PAD, MASK]).any()


def test_bert_mask_explicit_maskable_and_one_dimensional_ids():
    ids = np.arange(2, 12)
    maskable = np.zeros(10, dtype=bool)
    maskable[[3, 7]] = True
    _, mask = bert(ids, maskable=maskable, mask_ratio=0.5)
    assert mask.shape == (10,) and mask.sum() == 1 and mask[[3, 7]].sum() == 1


def test_seeds():
    ids = make_ids(np.random.default_rng(0), (8, 30))
    first, again, other = bert(ids, seed=3), bert(ids, seed=3), bert(ids, seed=4)
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    assert not np.array_equal(first[1], other[1])
    mask_a = masking.random_mask((4, 16), ratio=0.5, rng=np.random.default_rng(0))
    mask_b = masking.random_mask((4, 16), ratio=0.5, rng=np.random.default_rng(0))
    mask_c = masking.random_mask((4, 16), ratio=0.5, rng=np.random.default_rng(1))
    assert np.array_equal(mask_a, mask_b) and not np.array_equal(mask_a, mask_c)


@pytest.mark.parametrize("shape, ratio, per_row", [
    ((5, 64), 0.75, 48), ((3, 10), 0.01, 1), ((3, 10), 0.99, 9), ((2, 3, 8), 0.5, 4),
])
def test_random_mask_exact_counts(shape, ratio, per_row):
    mask = masking.random_mask(shape, ratio=ratio, rng=np.random.default_rng(0))
    assert mask.shape == shape and mask.dtype == bool
    assert np.all(mask.sum(axis=-1) == per_row)


def test_patch_mask():
    mask = masking.patch_mask(3, 4, ratio=0.75, rng=np.random.default_rng(0))
    assert mask.shape == (3, 16) and np.all(mask.sum(axis=1) == 12)


def test_patchify_round_trip():
    images = np.random.default_rng(0).random((2, 8, 8))
    patches = masking.patchify(images, 2)
    assert patches.shape == (2, 16, 4)
    assert np.array_equal(patches[:, 1], images[:, :2, 2:4].reshape(2, 4))  # second patch, top row
    assert np.array_equal(masking.unpatchify(patches, 2), images)
    wide = np.arange(2 * 4 * 6).reshape(2, 4, 6)
    patches = masking.patchify(wide, 2)
    assert patches.shape == (2, 6, 4)
    assert np.array_equal(masking.unpatchify(patches, 2, image_shape=(4, 6)), wide)


def test_bert_mask_errors():
    ids = np.array([[2, 3, 4]])
    with pytest.raises(ValueError, match=r"mask_ratio must lie in \(0.0, 1.0\), got 0"):
        bert(ids, mask_ratio=0)
    with pytest.raises(ValueError, match=r"rates must be three non-negative numbers summing to 1.*got \(0.8, 0.1, 0.2\)"):
        bert(ids, rates=(0.8, 0.1, 0.2))
    with pytest.raises(ValueError, match=r"rates must be three non-negative numbers"):
        bert(ids, rates=(1.1, -0.1, 0.0))
    with pytest.raises(ValueError, match=r"ids must hold ids in \[0, 50\).*got 50"):
        bert(np.array([[2, 50]]))
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator, got int"):
        masking.bert_mask(ids, mask_id=MASK, vocab_size=V, rng=0)
    with pytest.raises(TypeError, match=r"maskable must be a bool array \(True = may be hidden\)"):
        bert(ids, maskable=np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"special_ids must hold ids in \[0, 50\)"):
        bert(ids, special_ids=(-1,))


def test_random_and_patch_mask_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"ratio must lie in \(0.0, 1.0\), got 1"):
        masking.random_mask((2, 8), ratio=1, rng=rng)
    with pytest.raises(ValueError, match=r"shape must end with an axis of at least 2 positions"):
        masking.random_mask((2, 1), ratio=0.5, rng=rng)
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator, got RandomState"):
        masking.random_mask((2, 8), ratio=0.5, rng=np.random.RandomState(0))
    with pytest.raises(ValueError, match=r"grid must be at least 2, got 1"):
        masking.patch_mask(2, 1, ratio=0.5, rng=rng)
    with pytest.raises(ValueError, match=r"H x W = 8 x 6 cannot be cut into 4 x 4 patches.*Pick patch from \[1, 2\]"):
        masking.patchify(np.zeros((1, 8, 6)), 4)
    with pytest.raises(ValueError, match=r"patches must have patch \* patch = 9 pixels on the last axis, got 4"):
        masking.unpatchify(np.zeros((1, 4, 4)), 3)
    with pytest.raises(ValueError, match=r"6 patches of 2 x 2 pixels do not tile an image of 4 x 4"):
        masking.unpatchify(np.zeros((1, 6, 4)), 2)
