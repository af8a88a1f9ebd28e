"""Pretrained word vectors for lessons 06 and 07, from a small masked-word model.

A short run of lesson 04's training (``sc.train.train``) on lesson 02's ``ContextModel``
(``sc.nn_torch.ContextModel``), on sentences of the toy language, no labels. Then each word
gets two vectors from the trained weights:

- ``"input"``: its row of the embedding ``E`` (V, D), what the model reads;
- ``"output"``: its output weights, the column of ``W2`` that scores it at every position,
  reshaped to (V, L * F): what contexts the word fits.

Shape letters: V vocabulary, L positions, D embedding width, F hidden units, K categories.
"""
from __future__ import annotations

import numpy as np
import torch

from ._validation import check_array, check_ids, check_int, check_language, check_rng

__all__ = ["category_labels", "one_hot", "pretrain_words", "word_vectors"]


def pretrain_words(language, *, rng, steps=300, n_sentences=20_000, mask_ratio=0.4, dim=32,
                   hidden=256, batch_size=128, lr=3e-3):
    """Train a ``ContextModel`` to fill in hidden words of ``language``, on the CPU.

    Parameters
    ----------
    language : sc.data.ToyLanguage
    rng : numpy.random.Generator, draws the sentences and seeds the model's generator
    steps, batch_size, lr, mask_ratio : the training's settings (see ``sc.train.train``)
    n_sentences : int, unlabelled sentences drawn for training
    dim, hidden : int, D and F of the model

    Returns
    -------
    sc.nn_torch.ContextModel, trained
    """
    from .nn_torch import ContextModel
    from .train import sample_ids, train

    check_language(language)
    check_rng(rng)
    ids = sample_ids(language, check_int(n_sentences, "n_sentences", minimum=1), rng=rng)  # (N, L)
    generator = torch.Generator().manual_seed(int(rng.integers(2**31)))
    vocab = language.vocabulary
    model = ContextModel(len(vocab), language.max_length, dim=dim, hidden=hidden, generator=generator,
                         pad_id=vocab.pad_id, mask_id=vocab.mask_id)
    train(model, ids, steps=steps, batch_size=batch_size, lr=lr, generator=generator, device="cpu",
          mask_ratio=mask_ratio, progress=False)
    return model


def word_vectors(model, kind="output"):
    """One vector per vocabulary word, read from a trained ``ContextModel``.

    Parameters
    ----------
    model : sc.nn_torch.ContextModel
    kind : {"output", "input"}

    Returns
    -------
    ndarray (V, L * F) for "output", (V, D) for "input"
    """
    from .nn_torch import ContextModel

    if not isinstance(model, ContextModel):
        raise TypeError(f"model must be a sc.nn_torch.ContextModel, got {type(model).__name__}. "
                        f"Train one with sc.pretrain.pretrain_words(language, rng=rng).")
    if kind == "input":
        return model.E.detach().cpu().numpy().astype(np.float64)
    if kind != "output":
        raise ValueError(f"kind must be 'output' or 'input', got {kind!r}. Pass kind='output' for the "
                         f"contexts a word fits, 'input' for its embedding.")
    F, L, V = model.hidden, model.length, model.vocab_size
    W2 = model.W2.detach().cpu().numpy().astype(np.float64)  # (F, L * V)
    return W2.reshape(F, L, V).transpose(2, 1, 0).reshape(V, L * F)  # (F, L, V) -> (V, L, F) -> (V, L*F)


def category_labels(language):
    """The ordinary words of ``language`` with their category.

    Returns
    -------
    ids : int ndarray (M,), the words' ids in ``language.vocab`` (special tokens left out)
    labels : int ndarray (M,), each word's category as an index into ``names``
    names : list of str, the K categories, sorted
    """
    check_language(language)
    names = sorted(set(language.categories.values()))
    words = [w for w in language.vocab if w in language.categories]
    ids = np.array([language.vocabulary.index[w] for w in words])
    return ids, np.array([names.index(language.categories[w]) for w in words]), names


def one_hot(ids, n):
    """One-hot rows: (M,) ids in [0, n) -> float ndarray (M, n), a single 1 per row."""
    n = check_int(n, "n", minimum=1)
    ids = check_ids(check_array(ids, "ids", ndim=1, dtype_kind="iu"), "ids", n)
    return (ids[:, None] == np.arange(n)).astype(np.float64)  # (M, 1) vs (n,) -> (M, n)
