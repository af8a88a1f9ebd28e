"""Checkers for the exercises of lesson 10 (solutions/10_exercises.ipynb): joint embeddings.

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use. Hints name the idea, never the code.
"""
from __future__ import annotations

import numpy as np

from ._core import Case, Mistake, check_function

__all__ = ["check_info_nce_loss", "check_info_nce_grad", "check_shift_images", "check_effective_rank"]

_RNG_SEED = 1010


def _pairs():
    rng = np.random.default_rng(_RNG_SEED)
    return [Case("4 images, 2 views each, D = 3, temperature 0.5", (rng.standard_normal((4, 3)),
                                                                     rng.standard_normal((4, 3)), 0.5)),
            Case("2 images, D = 5, temperature 0.1", (rng.standard_normal((2, 5)), rng.standard_normal((2, 5)), 0.1)),
            Case("6 images, D = 2, embeddings of length 10, temperature 1", (10 * rng.standard_normal((6, 2)),
                                                                              10 * rng.standard_normal((6, 2)), 1.0))]


def _unit(z):
    return z / np.linalg.norm(z, axis=1, keepdims=True)


def _loss_from(u, tau, *, keep_self=False, total=False):
    n2 = len(u)
    logits = u @ u.T / tau  # (2N, 2N)
    if not keep_self:
        np.fill_diagonal(logits, -np.inf)
    partner = (np.arange(n2) + n2 // 2) % n2
    m = logits.max(axis=1, keepdims=True)
    logsumexp = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    each = logsumexp - logits[np.arange(n2), partner]
    return float(each.sum() if total else each.mean())


# ---- info_nce_loss: the forward pass
def _info_nce_loss(z1, z2, temperature):
    return _loss_from(_unit(np.concatenate([z1, z2])), temperature)


def _loss_not_unit(z1, z2, temperature):
    return _loss_from(np.concatenate([z1, z2]), temperature)


def _loss_keeps_self(z1, z2, temperature):
    return _loss_from(_unit(np.concatenate([z1, z2])), temperature, keep_self=True)


def _loss_times_temperature(z1, z2, temperature):
    return _loss_from(_unit(np.concatenate([z1, z2])), 1.0 / temperature)


def _loss_cross_view_only(z1, z2, temperature):
    logits = _unit(z1) @ _unit(z2).T / temperature  # (N, N): the other view's batch only
    m = logits.max(axis=1, keepdims=True)
    return float(np.mean(m[:, 0] + np.log(np.exp(logits - m).sum(axis=1)) - np.diag(logits)))


def _loss_summed(z1, z2, temperature):
    return _loss_from(_unit(np.concatenate([z1, z2])), temperature, total=True)


def check_info_nce_loss(info_nce_loss):
    """Check ``info_nce_loss(z1, z2, temperature) -> float``."""
    mistakes = [
        Mistake(_loss_not_unit, "the similarities are plain dot products: scale every embedding to unit "
                "length first, so they are cosines and their length cannot lower the loss.", more="Cosine similarity is the dot product of two vectors of length 1; an embedding's length says nothing about which image it shows."),
        Mistake(_loss_keeps_self, "each view is among its own candidates: a view compared with itself is the "
                "easiest match of all, so leave it out of the softmax.", more='Leave a view out of its own row of candidates (its similarity with itself is always the largest); lesson 10 sets it to minus infinity before the softmax.'),
        Mistake(_loss_times_temperature, "the temperature multiplies the similarities: it should divide them "
                "(a low temperature sharpens the softmax).", more='A small temperature should make the softmax sharper: check what your similarities look like for temperature 0.1 against 1.'),
        Mistake(_loss_cross_view_only, "each view only competes with the other view's batch: the other images' "
                "views on its own side are negatives too, 2N - 2 of them in all.", more='The negatives of a view are all 2N - 2 other views, from both augmentations: stack the two batches first, then compare.'),
        Mistake(_loss_summed, "the loss is summed over the views: average it over the 2N views, so it does not "
                "grow with the batch.", more='A loss that is an average keeps the same size for any batch: check your value for a batch of 4 and of 8 images.'),
    ]
    return check_function("info_nce_loss", info_nce_loss, _info_nce_loss, _pairs(), mistakes=mistakes,
                          hint="stack the 2N views, compare each with every other view by cosine over the "
                               "temperature, and score the cross-entropy of finding its partner.")


# ---- info_nce_grad: the backward pass, (dz1, dz2)
def _grad_parts(z1, z2, tau, *, through_norm=True, both_sides=True, scale=True, partner_term=True, by_tau=True):
    z = np.concatenate([z1, z2])
    n2 = len(z)
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    u = z / norms
    logits = u @ u.T / tau
    np.fill_diagonal(logits, -np.inf)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    g = p.copy()
    if partner_term:
        g[np.arange(n2), (np.arange(n2) + n2 // 2) % n2] -= 1.0
    if scale:
        g /= n2
    du = ((g + g.T) if both_sides else g) @ u / (tau if by_tau else 1.0)
    dz = (du - u * np.sum(u * du, axis=1, keepdims=True)) / norms if through_norm else du
    return dz[: n2 // 2], dz[n2 // 2:]


def _info_nce_grad(z1, z2, temperature):
    return _grad_parts(z1, z2, temperature)


def check_info_nce_grad(info_nce_grad):
    """Check ``info_nce_grad(z1, z2, temperature) -> (dz1, dz2)``."""
    swapped = lambda z1, z2, t: _grad_parts(z1, z2, t)[::-1]  # noqa: E731
    mistakes = [
        Mistake(lambda a, b, t: _grad_parts(a, b, t, through_norm=False), "this is the gradient with respect to "
                "the unit-length vectors: carry it back through the scaling to unit length as well (only the part "
                "that turns a vector counts).", more='Write the chain: loss -> cosine matrix -> unit vectors -> raw embeddings; the last step keeps only the part of the gradient at right angles to the vector.'),
        Mistake(lambda a, b, t: _grad_parts(a, b, t, both_sides=False), "each embedding appears twice in the "
                "similarity matrix, as a row and as a column: add the gradient of both appearances.", more='Each similarity s_ij depends on view i and on view j: add the gradient that reaches a view as the row and as the column.'),
        Mistake(lambda a, b, t: _grad_parts(a, b, t, scale=False), "the gradient is that of the summed loss: the "
                "loss is a mean over the 2N views.", more='Compare your gradient with a numerical one of the averaged loss: a factor 2N off means a sum where a mean belongs.'),
        Mistake(lambda a, b, t: _grad_parts(a, b, t, partner_term=False), "the softmax part is there but not the "
                "target's: the partner's logit also appears in the numerator of the loss.", more="Each row's cross-entropy has two parts: the softmax weights over all candidates, minus one at the partner's place."),
        Mistake(lambda a, b, t: _grad_parts(a, b, t, by_tau=False), "the temperature is missing from the chain "
                "rule: the logits are the similarities divided by it.", more='The similarities are divided by the temperature before the softmax, so their gradient is divided by it too.'),
        Mistake(swapped, "dz1 and dz2 are swapped: return the gradient of z1 first.", more="The function returns a pair in the order of its arguments: first the gradient for the first batch of views."),
    ]
    return check_function("info_nce_grad", info_nce_grad, _info_nce_grad, _pairs(), mistakes=mistakes,
                          outputs=("dz1", "dz2"),
                          hint="start from the cross-entropy gradient of the logits (lesson 02), then go back "
                               "through the cosine similarities and the scaling to unit length.")


# ---- shift_images: the augmentation
def _shift_images(images, offsets):
    N, H, W = images.shape
    out = np.zeros_like(images, dtype=np.float64)
    for n, (r, c) in enumerate(offsets):
        src = images[n, max(0, -r): H - max(0, r), max(0, -c): W - max(0, c)]
        out[n, max(0, r): max(0, r) + src.shape[0], max(0, c): max(0, c) + src.shape[1]] = src
    return out


def _shift_rolled(images, offsets):
    return np.stack([np.roll(img, tuple(o), axis=(0, 1)) for img, o in zip(images, offsets)]).astype(np.float64)


def _shift_axes_swapped(images, offsets):
    return _shift_images(images, offsets[:, ::-1])


def _shift_backwards(images, offsets):
    return _shift_images(images, -offsets)


def _shift_all_by_first(images, offsets):
    return _shift_images(images, np.tile(offsets[:1], (len(offsets), 1)))


def _shift_not_at_all(images, offsets):
    return images.astype(np.float64)


def check_shift_images(shift_images):
    """Check ``shift_images(images, offsets) -> ndarray (N, H, W)``."""
    rng = np.random.default_rng(_RNG_SEED)
    images = rng.random((4, 5, 5))
    cases = [Case("4 images of 5 x 5, offsets in -1..1", (images, np.array([[1, 0], [0, -1], [-1, 1], [1, 1]]))),
             Case("a shift of 2 rows up and no shift", (images[:2], np.array([[-2, 0], [0, 0]]))),
             Case("a 3 x 4 image moved right by 3", (rng.random((1, 3, 4)), np.array([[0, 3]])))]
    mistakes = [
        Mistake(_shift_rolled, "the pixels that leave one edge come back at the other: fill what comes in "
                "with black (0) instead.", more='Rolling the array wraps around; a shift must bring in empty (0) pixels: copy the part that stays onto a blank canvas.'),
        Mistake(_shift_axes_swapped, "rows and columns are swapped: the first offset moves the image down, the "
                "second to the right.", more='Print a shifted image with offsets (1, 0): the digit should move one row down.'),
        Mistake(_shift_backwards, "the image moves the wrong way: a positive offset moves it down (rows) or "
                "right (columns).", more='Try an image with a single lit pixel and offset (+1, +1): it should end one row lower and one column further right.'),
        Mistake(_shift_all_by_first, "every image gets the first image's offset: each image has its own row "
                "of offsets.", more='Go image by image: the n-th row of offsets belongs to the n-th image only.'),
        Mistake(_shift_not_at_all, "the images come back unchanged: move each one by its offsets.", more='Compare your result with the input: for a non-zero offset they must differ.'),
    ]
    return check_function("shift_images", shift_images, _shift_images, cases, mistakes=mistakes,
                          hint="for each image, copy the part that stays on the canvas to its new place on a "
                               "black canvas of the same size.")


# ---- effective_rank: the collapse measure
def _entropy_rank(s, *, exp=True, base=np.e):
    if s.sum() < 1e-12:
        return 0.0
    p = s / s.sum()
    p = p[p > 0]
    h = -np.sum(p * np.log(p)) / np.log(base)
    return float(base**h if exp else h)


def _effective_rank(z):
    return _entropy_rank(np.linalg.svd(z - z.mean(axis=0), compute_uv=False))


def _rank_not_centred(z):
    return _entropy_rank(np.linalg.svd(z, compute_uv=False))


def _rank_of_eigenvalues(z):
    return _entropy_rank(np.linalg.svd(z - z.mean(axis=0), compute_uv=False) ** 2)


def _rank_entropy_only(z):
    return _entropy_rank(np.linalg.svd(z - z.mean(axis=0), compute_uv=False), exp=False)


def _rank_counted(z):
    return float(np.linalg.matrix_rank(z - z.mean(axis=0)))


def _rank_over_max(z):
    s = np.linalg.svd(z - z.mean(axis=0), compute_uv=False)
    return float(s.sum() / s.max()) if s.max() > 1e-12 else 0.0


def check_effective_rank(effective_rank):
    """Check ``effective_rank(z) -> float``."""
    rng = np.random.default_rng(_RNG_SEED)
    cases = [Case("30 embeddings of width 4, far from the origin", (rng.standard_normal((30, 4)) + 5.0,)),
             Case("20 embeddings, stretched along one axis", (rng.standard_normal((20, 3)) * np.array([5.0, 1.0, 0.2]),)),
             Case("every embedding the same point (collapse)", (np.tile(rng.standard_normal(4), (10, 1)),)),
             Case("10 embeddings on one line", (np.outer(rng.standard_normal(10), rng.standard_normal(3)),))]
    mistakes = [
        Mistake(_rank_not_centred, "the embeddings' mean is left in: take it away first, or one point far from "
                "the origin looks like a used direction.", more='Centre the rows (subtract the mean embedding) before the singular values, so the rank measures spread, not position.'),
        Mistake(_rank_of_eigenvalues, "these are the squared singular values (the covariance's eigenvalues): use "
                "the singular values themselves.", more="The SVD gives singular values; the covariance's eigenvalues are their squares."),
        Mistake(_rank_entropy_only, "this is the entropy: the effective rank is its exponential, a number of "
                "directions.", more='Normalise the singular values to sum to 1, take their entropy, then exponentiate: the result counts directions.'),
        Mistake(_rank_counted, "this counts the non-zero singular values: the effective rank weighs them, so a "
                "direction barely used counts for little.", more='Effective rank is a weighted count: two directions with equal spread count 2, one big and one tiny count a little over 1.'),
        Mistake(_rank_over_max, "the singular values are divided by the largest: divide by their sum, so they "
                "form a distribution.", more='Probabilities sum to 1: divide the singular values by their sum, not by the largest.'),
    ]
    return check_function("effective_rank", effective_rank, _effective_rank, cases, mistakes=mistakes,
                          hint="centre the embeddings, take their singular values as a probability distribution, "
                               "and turn its entropy into a number of directions.")
