"""Training torch models: the loop, scoring against the Bayes limit, checkpoints, torchrun.

``sc.train.train`` is the twin of ``sc.nn_numpy.train``; ``python -m sslcourse.train`` runs the
same training from the command line, alone or under ``torchrun`` (see ``distributed``).
"""
from .checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from .data import sample_ids
from .evaluate import cpu_threads, evaluate, predict_proba
from .loop import History, resolve_device, train, training_step

__all__ = ["Checkpoint", "History", "cpu_threads", "evaluate", "load_checkpoint", "predict_proba", "resolve_device",
           "sample_ids", "save_checkpoint", "train", "training_step"]
