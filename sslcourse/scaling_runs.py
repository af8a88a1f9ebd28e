"""The runs of lesson 11: train on D sentences with early stopping, score exactly, probe the words.

One recipe for every point, so the notebook's live points and ``tools/make_scaling_table.py``'s
sweep are the same runs: D sentences drawn from the language (seeded by ``seed``), a held-out set
of 2,000 other sentences, ``steps_for(D)`` training steps (the learning rate's cosine laid over
them), the held-out loss measured every ``eval_every`` steps, and the state with the lowest
held-out loss kept (early stopping by checkpoint). Stopping on patience (``patience=4``: when the
held-out loss has not improved for 4 measurements) is cheaper but, with the learning rate still
high, it stops large-D runs long before the cosine's end, where most of their gain comes.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import torch

from ._validation import check_int
from .scaling import exact_score

__all__ = ["Curve", "Point", "HELDOUT", "make_model", "run_point", "steps_for", "train_early_stopped", "word_probe"]

HELDOUT = 2000  # held-out sentences for early stopping
KINDS = ("encoder", "context")
LR = {"encoder": 0.01, "context": 3e-3}  # lesson 04's encoder, lesson 02's context model


@dataclass(frozen=True)
class Curve:
    """Training and held-out loss (nats, one hidden word per sentence) every ``eval_every`` steps."""

    steps: tuple
    train_loss: tuple
    heldout_loss: tuple

    @property
    def best(self):
        """Index of the lowest held-out loss: the state early stopping keeps."""
        return int(np.argmin(self.heldout_loss))

    def __repr__(self):
        b = self.best
        return (f"Curve({len(self.steps)} measurements to step {self.steps[-1]}, best held-out "
                f"{self.heldout_loss[b]:.3f} at step {self.steps[b]}, then train {self.train_loss[-1]:.3f} / "
                f"held-out {self.heldout_loss[-1]:.3f})")


def steps_for(n_sentences):
    """Training steps of a run on ``n_sentences``: 1,000, or D / 3 up to 3,000 (enough to overfit every D)."""
    return min(3000, max(1000, check_int(n_sentences, "n_sentences", minimum=1) // 3))


def make_model(language, *, kind="encoder", width=32, seed=0):
    """Lesson 04's encoder (width 32: 24,786 parameters) or lesson 02's context model, seeded."""
    from .nn_torch import ContextModel, EncoderConfig, TransformerEncoder

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
    V, L, vocab = len(language.vocab), language.max_length, language.vocabulary
    generator = torch.Generator().manual_seed(check_int(seed, "seed", minimum=0))
    if kind == "context":
        return ContextModel(V, L, dim=32, hidden=256, generator=generator, pad_id=vocab.pad_id, mask_id=vocab.mask_id)
    width = check_int(width, "width", minimum=2)
    config = EncoderConfig(vocab_size=V, max_length=L, width=width, depth=2, heads=2, mlp_ratio=2,
                           pad_id=vocab.pad_id, mask_id=vocab.mask_id)
    return TransformerEncoder(config, generator=generator)


def _factor(max_steps):
    """Learning-rate factor: warm-up over 5% of ``max_steps``, then cosine to 0 at ``max_steps``."""
    warm = max(1, max_steps // 20)
    return lambda s: (s + 1) / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, max_steps - warm)))


def _one_hidden(ids, rng):
    """A mask (N, L) hiding one word per sentence, at a uniform position among its words."""
    lengths = (ids > 1).sum(axis=1)  # ids 0 and 1 are PAD and MASK
    mask = np.zeros(ids.shape, dtype=bool)
    mask[np.arange(len(ids)), (rng.random(len(ids)) * lengths).astype(int)] = True
    return mask


def train_early_stopped(model, ids, heldout, *, max_steps, generator, lr, eval_every=50, patience=4,
                        batch_size=256, mask_ratio=0.15, run_steps=None):
    """Train ``model`` in place on ``ids``; stop when the held-out loss stalls; keep the best state.

    Parameters
    ----------
    model : torch masked-word model with .vocab_size, .pad_id, .mask_id
    ids : int ndarray (N, L), the training sentences
    heldout : sc.tasks.FillInTask, the held-out sentences early stopping watches
    max_steps, eval_every : int; patience : int or None (None: never stop early)
    run_steps : int or None, stop after this many steps of the ``max_steps`` schedule (None: all)
    generator : torch.Generator (CPU), draws batches and masks
    lr, batch_size, mask_ratio : AdamW's learning rate, sentences per step, share of words hidden

    Returns
    -------
    Curve
    """
    from .nn_torch.masking import bert_mask
    from .tasks import score
    from .train import cpu_threads, evaluate, predict_proba, training_step

    max_steps, eval_every = check_int(max_steps, "max_steps", minimum=1), check_int(eval_every, "eval_every", minimum=1)
    last = max_steps if run_steps is None else min(max_steps, check_int(run_steps, "run_steps", minimum=1))
    data = torch.as_tensor(ids).long()
    probe = ids[:HELDOUT]
    probe_mask = _one_hidden(probe, np.random.default_rng(0))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _factor(max_steps))
    curve, best, since = ([], [], []), (math.inf, None), 0
    with cpu_threads(1):
        for step in range(1, last + 1):
            batch = data[torch.randint(len(data), (batch_size,), generator=generator)]  # (B, L)
            inputs, mask = bert_mask(batch, mask_id=model.mask_id, vocab_size=model.vocab_size, generator=generator,
                                     mask_ratio=mask_ratio, rates=(1.0, 0.0, 0.0), special_ids=(model.pad_id,))
            training_step(model, optimizer, inputs, batch, mask)
            scheduler.step()
            if step % eval_every:
                continue
            held = evaluate(model, heldout).cross_entropy
            train = score(predict_proba(model, probe, probe_mask), probe[probe_mask]).cross_entropy
            model.train()
            for column, v in zip(curve, (step, train, held)):
                column.append(v)
            if held < best[0]:
                best, since = (held, copy.deepcopy(model.state_dict())), 0
            elif patience is not None and (since := since + 1) >= patience:
                break
    if best[1] is not None:
        model.load_state_dict(best[1])
    return Curve(*(tuple(c) for c in curve))


def word_probe(model, language, *, k, draws=50, seed=0):
    """Word category from the model's output weights, ``k`` labelled words per category.

    Each draw labels ``k`` words of every category, fits a logistic regression on their rows of
    the output layer (``model.head.weight``, (V, D)), and scores it on all the other words.

    Returns
    -------
    float, the mean accuracy over ``draws``
    """
    from .evaluation import linear_probe, sample_per_class
    from .pretrain import category_labels

    ids, labels, _ = category_labels(language)
    vectors = model.head.weight.detach().cpu().numpy().astype(np.float64)[ids]  # (M, D)
    rng, scores = np.random.default_rng(seed), []
    for _ in range(check_int(draws, "draws", minimum=1)):
        picked = sample_per_class(labels, check_int(k, "k", minimum=1), rng=rng)
        rest = np.setdiff1d(np.arange(len(ids)), picked)
        scores.append(linear_probe(vectors[picked], labels[picked], vectors[rest], labels[rest]))
    return float(np.mean(scores))


@dataclass(frozen=True)
class Point:
    """One run: its settings, what early stopping saw, and the exact score of the kept state."""

    kind: str
    n_sentences: int
    width: int
    n_params: int
    seed: int
    max_steps: int
    curve: Curve
    score: object

    def __repr__(self):
        return (f"Point({self.kind}, D={self.n_sentences}, {self.n_params:,} parameters, seed {self.seed}: "
                f"best step {self.curve.steps[self.curve.best]}, {self.score})")


def run_point(language, n_sentences, *, seed, kind="encoder", width=32, max_steps=None, patience=None,
              eval_every=50, run_steps=None, return_model=False):
    """Draw ``n_sentences`` (seeded by ``seed``), train with early stopping, score exactly.

    ``max_steps=None`` is ``steps_for(n_sentences)``; ``patience=None`` runs them all (see the module's note).

    Returns
    -------
    Point, or (Point, model) with ``return_model=True``
    """
    from .tasks import make_fill_in_task
    from .train import sample_ids

    n = check_int(n_sentences, "n_sentences", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    max_steps = steps_for(n) if max_steps is None else max_steps
    ids = sample_ids(language, n, rng=np.random.default_rng([seed, n]))  # (n, L)
    heldout = make_fill_in_task(language, HELDOUT, rng=np.random.default_rng([seed, 10**9]))
    model = make_model(language, kind=kind, width=width, seed=seed)
    curve = train_early_stopped(model, ids, heldout, max_steps=max_steps, lr=LR[kind], eval_every=eval_every,
                                patience=patience, run_steps=run_steps, generator=torch.Generator().manual_seed(seed + 1))
    n_params = sum(p.numel() for p in model.parameters())
    point = Point(kind, n, width if kind == "encoder" else 0, n_params, seed, max_steps, curve,
                  exact_score(model, language))
    return (point, model) if return_model else point
