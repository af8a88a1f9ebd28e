"""No public function given a generator (torch) or an rng (numpy) moves a global random state.

Each good call of the bad-input table (``bad_inputs.py``) that takes ``generator=`` or ``rng=`` is run
once; torch's, numpy's and Python's global generators must be where they were.
"""
import random
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).parent))
import bad_inputs  # noqa: E402

ENTRIES = bad_inputs._entries()
SEEDED = sorted(name for name, make in ENTRIES.items() if {"generator", "rng"} & set(make()[2]))


def _states():
    return torch.get_rng_state(), np.random.get_state()[1].copy(), random.getstate()


@pytest.mark.parametrize("entry", SEEDED)
def test_a_function_given_a_generator_leaves_the_global_ones_alone(entry):
    fn, args, kwargs = ENTRIES[entry]()
    before = _states()
    fn(*args, **kwargs)
    after = _states()
    assert torch.equal(before[0], after[0]), f"{entry} moved torch's global RNG"
    assert np.array_equal(before[1], after[1]), f"{entry} moved numpy's global RNG"
    assert before[2] == after[2], f"{entry} moved Python's global RNG"


def test_the_seeded_entries_cover_the_models_and_trainers():
    for name in ("images.MaskedImageModel", "evaluation.Classifier", "topics.TopicClassifier", "train.train",
                 "gpt.train_gpt", "gpt.sample", "evaluation.fine_tune", "topics.train_topic_classifier", "pretrain.pretrain_words"):
        assert name in SEEDED
