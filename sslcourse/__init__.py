"""sslcourse: the companion package of *Self-Supervised Learning from Scratch*.

Import it as ``import sslcourse as sc``. The numpy parts load at once; the modules that need
torch or ipywidgets load the first time you touch them (``sc.train``, ``sc.widgets``, ...), so the
numpy lessons start fast.
"""
import importlib

from . import baselines, claims, data, masking, nn_numpy, tasks
from .claims import claim, claim_true
from .env import check_environment, default_device, seed_everything

__version__ = "0.1.0"

# submodule -> the lesson that introduces it
_LAZY = {
    "checks": "exercises of every lesson",
    "widgets": "01, 05: the explorers (ipywidgets)",
    "nn_torch": "04: torch twins and the transformer",
    "train": "04: torch training, checkpoints, torchrun",
    "images": "05: masked images",
    "evaluation": "06: probes, fine-tuning, label efficiency",
    "subsets": "06: labelled subsets, label efficiency (numpy only)",
    "clustering": "07: k-means",
    "pretrain": "06-07: pretrained text features",
    "topics": "08: sentence topics",
    "bias": "08: bias in, bias out",
    "proofreading": "08: name the error (where pretraining is the difference)",
    "gpt": "09: next-token prediction",
    "instruct": "09: fine-tuning the GPT to a behaviour",
    "augment": "10: augmentations (shifts, rotations, noise)",
    "joint": "10: joint embeddings (InfoNCE, collapse)",
}


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'sslcourse' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))


__all__ = ["baselines", "check_environment", "claim", "claim_true", "claims", "data", "default_device", "masking", "nn_numpy",
           "seed_everything", "tasks", *_LAZY]
