"""Exercise checkers: ``x = sc.checks.check_x(x)`` after each exercise.

Each returns the function the next cells should use (the learner's if it passes, else the
package's reference) and prints one line: ``[OK]``, ``[TODO]`` or ``[NOT YET]`` with a hint.
The checkers of lessons 01-03 need only numpy; the later lessons' modules (some need torch) are
imported on first use, so ``import sslcourse.checks`` stays light.
"""
import importlib

from ._core import Case, Mistake, check_function, verdicts
from .lesson01 import *  # noqa: F401,F403  one checker per exercise, check_<name>
from .lesson02 import *  # noqa: F401,F403
from .lesson03 import *  # noqa: F401,F403

_LAZY = {
    "lesson04": ["check_masked_cross_entropy_torch", "check_to_device", "check_training_step"],
    "lesson05": ["check_masked_mse", "check_model_input", "check_fill_in"],
    "lesson06": ["check_first_k_per_class", "check_one_hot", "check_mean_and_spread", "check_label_sweep"],
    "lesson07": ["check_assign", "check_update", "check_plus_plus_probabilities", "check_k_sweep"],
    "lesson08": ["check_bias_sweep", "check_counterfactual_augment", "check_pronoun_rate", "check_swap_pronouns"],
    "lesson09": ["check_causal_mask", "check_next_token_batch", "check_softmax_with_temperature",
                 "check_temperature_sweep"],
    "lesson10": ["check_info_nce_loss", "check_info_nce_grad", "check_shift_images", "check_effective_rank"],
    "capstone": ["check_nearest_words", "check_own_text_model"],
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name):
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'sslcourse.checks' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_WHERE))
