"""Saving and loading a trained ``TransformerEncoder``: weights, config, vocabulary, losses.

A checkpoint is a plain dict of tensors, numbers and strings, so ``torch.load(weights_only=True)``
reads it without running any pickled code. It is written to a temporary file in the same
folder, then renamed over the target (``os.replace``): a crash mid-write never leaves half a file.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch

from ..nn_torch.transformer import EncoderConfig, TransformerEncoder
from .evaluate import unwrap

__all__ = ["Checkpoint", "load_checkpoint", "save_checkpoint"]

FORMAT = "sslcourse-checkpoint-1"


@dataclass(frozen=True, repr=False)
class Checkpoint:
    """What ``load_checkpoint`` gives back.

    Attributes
    ----------
    model : TransformerEncoder, in eval mode
    config : EncoderConfig
    vocab : list of str or None, the vocabulary it was trained on (index = id)
    step : int or None
    losses : tuple of float, the training losses, or ()
    """

    model: TransformerEncoder
    config: EncoderConfig
    vocab: list | None = None
    step: int | None = None
    losses: tuple = ()

    def __repr__(self):
        words = "no vocabulary" if self.vocab is None else f"{len(self.vocab)} words"
        return f"Checkpoint(step={self.step}, {self.config}, {words})"


def save_checkpoint(path, model, config=None, *, vocab=None, step=None, losses=()):
    """Write ``model``'s weights and config to ``path`` atomically; returns the path.

    Parameters
    ----------
    path : str or Path, the file to write (its folder is made if needed)
    model : TransformerEncoder (or a DistributedDataParallel around one)
    config : EncoderConfig, optional; must be the model's (default: ``model.config``)
    vocab : list of str, optional, the words of the ids (``language.vocab``)
    step : int, optional
    losses : sequence of float, optional
    """
    core = unwrap(model)
    if not isinstance(core, TransformerEncoder):
        raise TypeError(f"model must be a TransformerEncoder, got {type(core).__name__}. For other "
                        f"models save the weights with torch.save(model.state_dict(), path).")
    config = core.config if config is None else config
    if config != core.config:
        raise ValueError(f"config must be the model's config, {core.config}, got {config}. "
                         f"Leave config out to save model.config.")
    if vocab is not None and len(vocab) != config.vocab_size:
        raise ValueError(f"vocab has {len(vocab)} words but the model's vocab_size is {config.vocab_size}. "
                         f"Pass the vocabulary the model was trained on (language.vocab).")
    payload = {"format": FORMAT, "config": asdict(config), "vocab": None if vocab is None else list(vocab),
               "step": step, "losses": [float(x) for x in losses],
               "state_dict": {k: v.detach().cpu() for k, v in core.state_dict().items()}}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic: readers see the old file or the new one, never half
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _read(path):
    remake = "Make it again with sc.train.save_checkpoint."
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as err:  # truncated, corrupt or not a torch file
        raise ValueError(f"{path} is not a readable checkpoint: the file is corrupt, truncated or of "
                         f"another kind ({type(err).__name__}). {remake}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        got = payload.get("format") if isinstance(payload, dict) else type(payload).__name__
        raise ValueError(f"{path} is not an sslcourse checkpoint: expected format {FORMAT!r}, "
                         f"got {got!r}. {remake}")
    return payload


def _config(path, stored, expected):
    try:
        config = EncoderConfig(**stored)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{path} holds an invalid config ({err}). Make it again with "
                         f"sc.train.save_checkpoint.") from None
    if expected is not None and expected != config:
        diff = [f"{f.name}: file {getattr(config, f.name)!r}, expected {getattr(expected, f.name)!r}"
                for f in fields(config) if getattr(config, f.name) != getattr(expected, f.name)]
        raise ValueError(f"{path} was saved with another config ({'; '.join(diff)}). Build the model "
                         f"with the file's config (leave config out) or load the right file.")
    return config


def _check_vocab(path, stored, vocab):
    if vocab is None or stored is None or list(vocab) == stored:
        return
    where = next((i for i, (a, b) in enumerate(zip(stored, vocab)) if a != b), min(len(stored), len(vocab)))
    raise ValueError(
        f"{path} was trained on a vocabulary of {len(stored)} words, but vocab has {len(vocab)} and they "
        f"differ first at id {where}. Load it with the language it was trained on "
        f"(same size and seed), or retrain.")


def load_checkpoint(path, *, config=None, vocab=None, device="cpu"):
    """Read a checkpoint written by ``save_checkpoint``.

    Parameters
    ----------
    path : str or Path
    config : EncoderConfig, optional; if given, the file's config must equal it
    vocab : list of str, optional; if given, the file's vocabulary must equal it
    device : str or torch.device, where to put the model

    Returns
    -------
    Checkpoint
    """
    payload = _read(path)
    cfg = _config(path, payload.get("config"), config)
    _check_vocab(path, payload.get("vocab"), vocab)
    model = TransformerEncoder(cfg, generator=torch.Generator().manual_seed(0))
    try:
        model.load_state_dict(payload["state_dict"])
    except (KeyError, RuntimeError) as err:
        lines = str(err).strip().splitlines()
        detail = lines[1].strip() if len(lines) > 1 else type(err).__name__
        raise ValueError(f"{path}: the weights do not fit the config {cfg} ({detail}). "
                         f"Make it again with sc.train.save_checkpoint.") from None
    return Checkpoint(model.to(device).eval(), cfg, payload.get("vocab"), payload.get("step"),
                      tuple(payload.get("losses") or ()))
