"""Saving and loading a trained ``TransformerEncoder``: weights, config, vocabulary, losses.

A checkpoint is a plain dict of tensors, numbers and strings, so ``torch.load(weights_only=True)``
reads it without running any pickled code. It is written to a temporary file in the same
folder, then renamed over the target (``os.replace``): a crash mid-write never leaves half a file.
"""
from __future__ import annotations

import glob
import math
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch

from ..nn_torch.transformer import EncoderConfig, TransformerEncoder
from .._validation import check_int
from .scoring import unwrap
from .loop import resolve_device

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
    vocab = _check_vocab_arg(vocab, config.vocab_size)
    step = None if step is None else check_int(step, "step", minimum=0)
    losses = _check_losses(losses)
    state = {k: v.detach().cpu() for k, v in core.state_dict().items()}
    _check_finite_weights("model", state, "Retrain it with a smaller lr: the training diverged.")
    payload = {"format": FORMAT, "config": asdict(config), "vocab": vocab, "step": step, "losses": losses,
               "state_dict": state}
    path = _check_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):  # left by a save that was killed
        stale.unlink(missing_ok=True)
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


def _check_path(path):
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise TypeError(f"path must be a file name (str or pathlib.Path), got {type(path).__name__} {path!r}. "
                        f"Pass a name like 'checkpoints/model.pt'.")
    return Path(path)


def _check_vocab_arg(vocab, vocab_size, name="vocab"):
    if vocab is None:
        return None
    if isinstance(vocab, str) or not isinstance(vocab, (list, tuple)) or not all(isinstance(w, str) for w in vocab):
        raise TypeError(f"{name} must be a list of words (str), index = id, got {type(vocab).__name__}. "
                        f"Pass language.vocab.")
    if len(vocab) != vocab_size:
        raise ValueError(f"{name} has {len(vocab)} words but the model's vocab_size is {vocab_size}. "
                         f"Pass the vocabulary the model was trained on (language.vocab).")
    return list(vocab)


def _check_losses(losses):
    try:
        values = [float(x) for x in losses]
    except (TypeError, ValueError):
        raise TypeError(f"losses must be a sequence of numbers, got {type(losses).__name__}. "
                        f"Pass history.losses.") from None
    if isinstance(losses, str) or not all(math.isfinite(x) for x in values):
        raise ValueError(f"losses must be finite numbers, got {losses!r:.80}. Pass history.losses of a "
                         f"training that did not diverge.")
    return values


def _check_finite_weights(where, state, fix):
    for name, value in state.items():
        if not isinstance(value, torch.Tensor):
            raise ValueError(f"{where}: state_dict[{name!r}] must be a tensor, got {type(value).__name__}. {fix}")
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise ValueError(f"{where}: the weight {name!r} holds NaN or inf. {fix}")


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
    device : str, torch.device or None, where to put the model (None: cuda, then mps, then cpu);
        a device this machine lacks is a ``ValueError`` that lists the ones it has

    Returns
    -------
    Checkpoint
    """
    path = _check_path(path)
    if config is not None and not isinstance(config, EncoderConfig):
        raise TypeError(f"config must be an EncoderConfig or None, got {type(config).__name__}. "
                        f"Leave it out to use the file's config.")
    vocab = None if vocab is None else _check_vocab_arg(vocab, len(vocab) if isinstance(vocab, (list, tuple)) else -1)
    device = resolve_device(device)
    payload = _read(path)
    cfg = _config(path, payload.get("config"), config)
    remake = "Make it again with sc.train.save_checkpoint."
    stored = payload.get("vocab")
    if stored is not None and (not isinstance(stored, list) or len(stored) != cfg.vocab_size
                               or not all(isinstance(w, str) for w in stored)):
        raise ValueError(f"{path} holds a vocabulary that does not fit its model (vocab_size = {cfg.vocab_size}, "
                         f"got {len(stored) if isinstance(stored, list) else type(stored).__name__}). {remake}")
    _check_vocab(path, stored, vocab)
    state, step, losses = payload.get("state_dict"), payload.get("step"), payload.get("losses") or []
    if not isinstance(state, dict):
        raise ValueError(f"{path} holds no state_dict of weights (got {type(state).__name__}). {remake}")
    _check_finite_weights(str(path), state, remake)
    if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step < 0) \
            or not isinstance(losses, list) or not all(isinstance(x, float) and math.isfinite(x) for x in losses):
        raise ValueError(f"{path} holds an invalid step ({step!r}) or losses. {remake}")
    model = TransformerEncoder(cfg, generator=torch.Generator().manual_seed(0))
    try:
        model.load_state_dict(state)
    except (KeyError, RuntimeError) as err:
        lines = str(err).strip().splitlines()
        detail = lines[1].strip() if len(lines) > 1 else type(err).__name__
        raise ValueError(f"{path}: the weights do not fit the config {cfg} ({detail}). {remake}") from None
    return Checkpoint(model.to(device).eval(), cfg, stored, step, tuple(losses))
