"""Joint embeddings: two augmented views of one image should get the same code (lesson 10).

The InfoNCE loss of SimCLR (Chen et al., 2020), also called NT-Xent: a batch of N images gives 2N
views; each view must pick out its partner among the 2N - 1 others by cosine similarity, scaled by a
temperature. Written in numpy with its gradient by hand (``info_nce_forward`` / ``info_nce_backward``),
and its torch twin (``info_nce_torch``) for training. Without the negatives (``alignment_loss``)
every image may map to one point: collapse, measured by ``embedding_spread`` and ``effective_rank``.
Shape letters: N images (pairs of views), D width of the embeddings, H and W the image size.
"""
from __future__ import annotations

import numbers

import numpy as np
import torch
from torch import nn

from ._validation import check_array, check_int, check_rng
from .augment import augment
from .nn_torch.step import optimizer_step
from .threads import cpu_threads

__all__ = ["JointEmbeddingModel", "alignment_loss", "effective_rank", "embedding_spread", "info_nce",
           "info_nce_backward", "info_nce_forward", "info_nce_torch", "nearest_neighbour_probe",
           "pretrain_joint", "train_augmented"]


def _check_temperature(temperature):
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not temperature > 0:
        raise ValueError(f"temperature must be a positive number, got {temperature!r}. SimCLR used 0.1 to 1; try 0.5.")
    return float(temperature)


def _check_views(z1, z2):
    z1 = check_array(z1, "z1", ndim=2, dtype_kind="f")
    z2 = check_array(z2, "z2", ndim=2, dtype_kind="f")
    if z1.shape != z2.shape or len(z1) < 2:
        raise ValueError(f"z1 and z2 must have the same shape (N, D) with N >= 2 (row i of z2 is the other view "
                         f"of row i of z1), got {z1.shape} and {z2.shape}.")
    z = np.concatenate([z1, z2]).astype(np.float64)  # (2N, D): the views of the batch, first then second
    norms = np.linalg.norm(z, axis=1, keepdims=True)  # (2N, 1)
    if not np.all(np.isfinite(z)) or np.any(norms == 0):
        raise ValueError("z1 and z2 must be finite with no all-zero row: a zero embedding has no direction "
                         "to compare. Check the encoder's output.")
    return z, norms


def info_nce_forward(z1, z2, *, temperature=0.5):
    """InfoNCE (NT-Xent) of a batch of pairs of views; row i of ``z1`` and of ``z2`` come from one image.

    Each of the 2N embeddings is scaled to unit length; the logits are cosine similarities divided by
    ``temperature``; each view's loss is the cross-entropy of picking its partner among the other
    2N - 1 views (itself excluded); the loss is the mean over the 2N views.

    Parameters
    ----------
    z1, z2 : float ndarray (N, D), N >= 2
    temperature : float > 0

    Returns
    -------
    loss : float
    cache : tuple, for ``info_nce_backward``
    """
    tau = _check_temperature(temperature)
    z, norms = _check_views(z1, z2)
    n2 = len(z)
    u = z / norms  # (2N, D), unit rows
    logits = u @ u.T / tau  # (2N, D) x (D, 2N) -> (2N, 2N)
    np.fill_diagonal(logits, -np.inf)  # a view is never its own partner
    partner = (np.arange(n2) + n2 // 2) % n2  # (2N,): view i of the first half <-> view i of the second
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)  # (2N, 2N), rows sum to 1, diagonal 0
    loss = -np.mean(np.log(probs[np.arange(n2), partner]))
    return float(loss), (u, norms, probs, partner, tau)


def info_nce_backward(dloss, cache):
    """Gradient of ``info_nce_forward``'s loss: ``dloss`` (a float, 1.0 for the loss itself) -> (dz1, dz2)."""
    u, norms, probs, partner, tau = cache
    n2 = len(u)
    dlogits = probs.copy()  # (2N, 2N): softmax minus the one-hot partner, per row
    dlogits[np.arange(n2), partner] -= 1.0
    dlogits *= float(dloss) / n2
    du = (dlogits + dlogits.T) @ u / tau  # logits = u u^T / tau: both factors are u
    dz = (du - u * np.sum(u * du, axis=1, keepdims=True)) / norms  # through u = z / |z|
    return dz[: n2 // 2], dz[n2 // 2:]


def info_nce(z1, z2, *, temperature=0.5):
    """``info_nce_forward`` and ``info_nce_backward`` in one call: (loss, dz1, dz2)."""
    loss, cache = info_nce_forward(z1, z2, temperature=temperature)
    return (loss, *info_nce_backward(1.0, cache))


def info_nce_torch(z1, z2, *, temperature=0.5):
    """The torch twin of ``info_nce_forward``: the same loss as a scalar tensor (autograd gives the gradient)."""
    tau = _check_temperature(temperature)
    if not (isinstance(z1, torch.Tensor) and isinstance(z2, torch.Tensor)) or z1.dim() != 2 or z1.shape != z2.shape:
        raise ValueError("z1 and z2 must be float Tensors of the same shape (N, D), got "
                         f"{getattr(z1, 'shape', type(z1).__name__)} and {getattr(z2, 'shape', type(z2).__name__)}.")
    u = nn.functional.normalize(torch.cat([z1, z2]), dim=1)  # (2N, D), unit rows
    n2 = len(u)
    logits = (u @ u.T / tau).masked_fill(torch.eye(n2, dtype=torch.bool), float("-inf"))  # (2N, 2N)
    partner = (torch.arange(n2) + n2 // 2) % n2
    return nn.functional.cross_entropy(logits, partner)


def alignment_loss(z1, z2):
    """Pull the two views together and nothing else (no negatives): mean |u1 - u2|^2 of unit rows."""
    if not (isinstance(z1, torch.Tensor) and isinstance(z2, torch.Tensor)) or z1.dim() != 2 or z1.shape != z2.shape:
        raise ValueError("z1 and z2 must be float Tensors of the same shape (N, D), got "
                         f"{getattr(z1, 'shape', type(z1).__name__)} and {getattr(z2, 'shape', type(z2).__name__)}.")
    u1, u2 = nn.functional.normalize(z1, dim=1), nn.functional.normalize(z2, dim=1)
    return ((u1 - u2) ** 2).sum(dim=1).mean()


def embedding_spread(z):
    """How far unit-length embeddings spread: sqrt(mean |u - mean u|^2), 0 when all are one point.

    Parameters
    ----------
    z : float ndarray (N, D)

    Returns
    -------
    float in [0, 1]
    """
    z = check_array(z, "z", ndim=2, dtype_kind="f").astype(np.float64)
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("z must have no all-zero row: a zero embedding has no direction.")
    u = z / norms
    return float(np.sqrt(max(0.0, np.mean(np.sum((u - u.mean(axis=0)) ** 2, axis=1)))))


def effective_rank(z, *, eps=1e-12):
    """The effective rank of embeddings (Roy and Vetterli, 2007): exp of the entropy of the centred
    matrix's normalised singular values. D when every direction is used alike, 1 when one is.

    Parameters
    ----------
    z : float ndarray (N, D), N >= 2
    eps : float, singular values summing to less are all-zero: the rank is 0

    Returns
    -------
    float in [0, min(N, D)]
    """
    z = check_array(z, "z", ndim=2, dtype_kind="f").astype(np.float64)
    if len(z) < 2:
        raise ValueError(f"z must have at least 2 rows to have a spread, got {len(z)}.")
    s = np.linalg.svd(z - z.mean(axis=0), compute_uv=False)  # (min(N, D),)
    if s.sum() < eps:
        return 0.0
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-np.sum(p * np.log(p))))


def _linear(n_in, n_out, generator):
    layer = nn.Linear(n_in, n_out)  # weights uniform in +-1/sqrt(n_in), drawn from ``generator``
    with torch.no_grad():
        layer.weight.copy_((2 * torch.rand(n_out, n_in, generator=generator) - 1) * n_in**-0.5)
        layer.bias.copy_((2 * torch.rand(n_out, generator=generator) - 1) * n_in**-0.5)
    return layer


class JointEmbeddingModel(nn.Module):
    """An MLP encoder (image -> code, the features a probe reads) and a projection head (code ->
    the embedding the loss compares), as in SimCLR.

    Parameters
    ----------
    shape : (H, W), the image size
    hidden : int, width of the hidden layers
    code : int, D, the features' width (``n_features``)
    projection : int, the embedding's width
    generator : torch.Generator, draws the initial weights
    """

    def __init__(self, shape=(10, 10), *, hidden=256, code=64, projection=64, generator):
        super().__init__()
        if not isinstance(generator, torch.Generator):
            raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}. "
                            f"Make one with torch.Generator().manual_seed(0).")
        self.shape = tuple(check_int(n, f"shape[{i}]", minimum=2) for i, n in enumerate(shape))
        P, Hd = self.shape[0] * self.shape[1], check_int(hidden, "hidden", minimum=1)
        self.n_features = check_int(code, "code", minimum=1)
        self.encoder = nn.Sequential(_linear(P, Hd, generator), nn.ReLU(), _linear(Hd, Hd, generator), nn.ReLU(),
                                     _linear(Hd, self.n_features, generator))
        self.head = nn.Sequential(nn.ReLU(), _linear(self.n_features, Hd, generator), nn.ReLU(),
                                  _linear(Hd, check_int(projection, "projection", minimum=1), generator))

    def features(self, images):
        """(N, H, W) -> the code (N, D)."""
        if not isinstance(images, torch.Tensor) or images.dim() != 3 or tuple(images.shape[1:]) != self.shape:
            got = tuple(images.shape) if hasattr(images, "shape") else type(images).__name__
            raise ValueError(f"images must be a float Tensor of shape (N, {self.shape[0]}, {self.shape[1]}), got "
                             f"{got}. Convert with torch.as_tensor(images, dtype=torch.float32).")
        return self.encoder(images.flatten(1))  # (N, H*W) -> (N, D)

    def forward(self, images):
        """(N, H, W) -> the embedding the loss compares (N, projection)."""
        return self.head(self.features(images))


def _views(images, rng, augmentation):
    return torch.as_tensor(augment(images, rng=rng, **augmentation), dtype=torch.float32)


def pretrain_joint(model, images, *, steps, rng, temperature=0.5, negatives=True, batch_size=256, lr=1e-3,
                   augmentation=None):
    """Train ``model`` in place so that two random views of an image get the same embedding.

    Each step draws ``batch_size`` unlabelled images and two views of each (``sc.augment.augment``
    with ``augmentation``, a dict of its keywords), then takes an AdamW step on InfoNCE, or, with
    ``negatives=False``, on ``alignment_loss`` alone. One CPU thread, explicit ``rng``.

    Returns
    -------
    losses : ndarray (steps,)
    """
    if not isinstance(model, JointEmbeddingModel):
        raise TypeError(f"model must be a sc.joint.JointEmbeddingModel, got {type(model).__name__}.")
    images = check_array(images, "images", ndim=3, dtype_kind="f")
    if images.shape[1:] != model.shape:
        raise ValueError(f"images must have shape (N, {model.shape[0]}, {model.shape[1]}) for this model, got "
                         f"{images.shape}. Make the model with shape={images.shape[1:]}.")
    steps, batch_size = check_int(steps, "steps", minimum=1), check_int(batch_size, "batch_size", minimum=2)
    check_rng(rng)
    tau, augmentation = _check_temperature(temperature), dict(augmentation or {})
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    losses = np.empty(steps)
    model.train()
    with cpu_threads(1):
        for step in range(steps):
            batch = images[rng.integers(len(images), size=batch_size)]  # (B, H, W)
            z1, z2 = model(_views(batch, rng, augmentation)), model(_views(batch, rng, augmentation))
            loss = info_nce_torch(z1, z2, temperature=tau) if negatives else alignment_loss(z1, z2)
            losses[step] = optimizer_step(optimizer, loss).item()
    return losses


def train_augmented(model, images, labels, *, steps, rng, lr=3e-3, augmentation=None):
    """Train every weight of ``model`` (images -> logits) on labelled images, a fresh random view of
    each at every step (full batch, AdamW, cross-entropy): supervised learning with the same
    augmentations as the pretraining. Returns ``model``, trained in place."""
    images = check_array(images, "images", ndim=3, dtype_kind="f")
    labels = check_array(labels, "labels", ndim=1, dtype_kind="iu")
    if len(images) != len(labels):
        raise ValueError(f"images and labels must have the same length, got {len(images)} and {len(labels)}.")
    check_rng(rng)
    y = torch.as_tensor(labels, dtype=torch.long)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    model.train()
    with cpu_threads(1):
        for _ in range(check_int(steps, "steps", minimum=1)):
            optimizer_step(optimizer, nn.functional.cross_entropy(model(_views(images, rng, dict(augmentation or {}))), y))
    return model


def nearest_neighbour_probe(train_features, train_labels, test_features, test_labels):
    """Accuracy of the 1-nearest-neighbour rule (Euclidean) on ``test_features``: a probe with no fitting."""
    x = check_array(train_features, "train_features", ndim=2, dtype_kind="fiu").astype(np.float64)
    xt = check_array(test_features, "test_features", ndim=2, dtype_kind="fiu").astype(np.float64)
    y = check_array(train_labels, "train_labels", ndim=1, dtype_kind="iu")
    yt = check_array(test_labels, "test_labels", ndim=1, dtype_kind="iu")
    if len(x) != len(y) or len(xt) != len(yt) or x.shape[1] != xt.shape[1]:
        raise ValueError(f"features and labels must match: got {x.shape} with {len(y)} labels and {xt.shape} with "
                         f"{len(yt)} labels. Index features and labels with the same indices.")
    d = (xt**2).sum(1)[:, None] - 2 * xt @ x.T + (x**2).sum(1)[None, :]  # (M, N) squared distances
    return float((y[d.argmin(axis=1)] == yt).mean())
