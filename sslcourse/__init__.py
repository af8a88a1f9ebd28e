"""sslcourse: the companion package of *Self-Supervised Learning from Scratch*.

Import it as ``import sslcourse as sc``.
"""
from . import baselines, data, masking, nn_numpy, tasks
from .env import check_environment, default_device, seed_everything
from . import widgets  # sc.widgets: the explorers (imports ipywidgets)
from . import nn_torch, train  # sc.nn_torch (torch twins, transformer), sc.train (torch training)
from . import bias, gpt, topics  # sc.bias, sc.gpt, sc.topics: lessons 08 (pitfalls) and 09 (next words)

__version__ = "0.1.0"
__all__ = [
    "baselines", "check_environment", "data", "default_device", "masking", "nn_numpy",
    "seed_everything", "tasks",
]
