"""Training torch models: the loop, scoring against the Bayes limit, checkpoints, torchrun.

``sc.train.train`` is the twin of ``sc.nn_numpy.train``; ``python -m sslcourse.train`` runs the
same training from the command line, alone or under ``torchrun`` (see ``distributed``).
"""
from ..data.table import sample_ids
from ..history import History
from ..threads import cpu_threads
from .checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from .loop import fit, resolve_device, train, training_step
from .scoring import evaluate, predict_proba

__all__ = ["Checkpoint", "History", "cpu_threads", "evaluate", "fit", "load_checkpoint", "predict_proba", "resolve_device",
           "sample_ids", "save_checkpoint", "train", "training_step"]
