"""Instruction tuning in miniature (sc.instruct): only the continuation is scored, tuning learns it."""
import numpy as np
import pytest
import torch

import sslcourse as sc
from sslcourse import instruct


@pytest.fixture(scope="module")
def language():
    return sc.data.ToyLanguage()


def test_split_prompts():
    prompts, rest = instruct.split_prompts([["the", "cow", "eats", "the", "hay"]], prompt_length=2)
    assert prompts == [["the", "cow"]] and rest == [["eats", "the", "hay"]]
    with pytest.raises(ValueError, match="prompt_length"):
        instruct.split_prompts([["the", "cow"]], prompt_length=2)
    with pytest.raises(TypeError, match="sentences"):
        instruct.split_prompts("the cow eats the hay")


def test_only_the_continuation_and_the_end_are_scored(language):
    inputs, targets, mask = instruct.continuation_batch(language, [["the", "cow"]], [["eats", "the", "hay"]])
    vocab = language.vocabulary
    scored = [vocab.words[t] for t in targets[0][mask[0]]]
    assert scored == ["eats", "the", "hay", "<pad>"]  # <pad> is the end of the sentence
    assert inputs[0, 0] == vocab.pad_id  # the start marker
    with pytest.raises(ValueError, match="pair up"):
        instruct.continuation_batch(language, [["the", "cow"]], [])


def test_tuning_learns_the_examples_and_leaves_the_rest(language):
    config = sc.gpt.gpt_config(language, width=16, depth=1, heads=2)
    model = sc.nn_torch.TransformerEncoder(config, generator=torch.Generator().manual_seed(0))
    batch = instruct.continuation_batch(language, [["the", "cow"]] * 4, [["eats", "the", "hay"]] * 4)
    before = torch.get_rng_state()
    losses = instruct.tune(model, batch, steps=40, lr=1e-2, batch_size=4, generator=torch.Generator().manual_seed(1))
    assert torch.equal(before, torch.get_rng_state()), "tune moved torch's global random state"
    assert len(losses) == 40 and losses[-1] < 0.5 * losses[0]
    with pytest.raises(TypeError, match="model"):
        instruct.tune(torch.nn.Linear(2, 2), batch, steps=1, generator=torch.Generator())
    with pytest.raises(TypeError, match="generator"):
        instruct.tune(model, batch, steps=1, generator=0)


def test_topic_share_uses_the_exact_posterior(language):
    farm = ["the", "cow", "goes", "to", "the", "barn"]
    broken = ["the", "cow", "goes", "to", "the", "school"]
    assert np.argmax(language.topic_posterior(farm)) == language.topics.index("farm")
    assert language.probability(broken) == 0
    assert instruct.topic_share(language, [farm, broken], "farm") == (0.5, 0.5)
    with pytest.raises(ValueError, match="topic"):
        instruct.topic_share(language, [farm], "sea")
