"""sc.gpt: next-token batches, the exact next-word Bayes limit, the causal model, sampling."""
from collections import defaultdict

import numpy as np
import pytest
import torch

import sslcourse as sc
from sslcourse import gpt


@pytest.fixture(scope="module")
def small():
    return sc.data.ToyLanguage("small")


@pytest.fixture(scope="module")
def derivations(small):
    return list(small.derivations())


@pytest.fixture(scope="module")
def tiny_model(small):
    config = gpt.gpt_config(small, width=8, depth=1, heads=2)
    return sc.nn_torch.TransformerEncoder(config, generator=torch.Generator().manual_seed(0))


# ---- the causal mask and the shifted targets
def test_causal_mask_hides_the_keys_after_each_query():
    expected = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]], dtype=bool)
    np.testing.assert_array_equal(gpt.causal_mask(3), expected)
    assert gpt.causal_mask(1).tolist() == [[False]]


def test_causal_mask_is_what_numpy_attention_uses():
    """With causal=True, changing a later word leaves every earlier output unchanged."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 4, 3))
    Ws = [rng.normal(size=(3, 3)) for _ in range(4)]
    out, _ = sc.nn_numpy.layers.attention_forward(x, *Ws, causal=True)
    changed = x.copy()
    changed[0, 3] += 1.0
    out2, _ = sc.nn_numpy.layers.attention_forward(changed, *Ws, causal=True)
    np.testing.assert_allclose(out[0, :3], out2[0, :3])
    assert not np.allclose(out[0, 3], out2[0, 3])


def test_next_token_batch_shifts_and_scores_the_end():
    ids = np.array([[5, 6, 7], [8, 9, 0]])
    inputs, targets, mask = gpt.next_token_batch(ids, pad_id=0)
    assert inputs.tolist() == [[0, 5, 6, 7], [0, 8, 9, 0]]
    assert targets.tolist() == [[5, 6, 7, 0], [8, 9, 0, 0]]
    assert mask.tolist() == [[True] * 4, [True, True, True, False]]
    np.testing.assert_array_equal(targets[:, :-1], inputs[:, 1:])


def test_next_token_batch_rejects_floats():
    with pytest.raises(TypeError, match="ids must have an integer dtype, got float64"):
        gpt.next_token_batch(np.zeros((2, 3)))


# ---- the exact next-word posterior and Bayes limit, against brute-force enumeration
def _brute_force(derivations, prefix, small):
    out = np.zeros(len(small.vocab))
    for _, words, p in derivations:
        if list(words[: len(prefix)]) == prefix:
            nxt = words[len(prefix)] if len(words) > len(prefix) else sc.data.PAD
            out[small.vocabulary.index[nxt]] += p
    return out / out.sum()


@pytest.mark.parametrize("prefix", [[], ["the"], ["a", "farmer"], ["the", "cows", "eat"],
                                    ["the", "dog", "eats", "the", "meat"]])
def test_next_word_posterior_matches_enumeration(small, derivations, prefix):
    np.testing.assert_allclose(gpt.next_word_posterior(small, prefix), _brute_force(derivations, prefix, small),
                               atol=1e-12)


def test_a_finished_sentence_ends(small):
    post = gpt.next_word_posterior(small, ["the", "dog", "eats", "the", "meat"])
    assert post[small.vocabulary.pad_id] == pytest.approx(1.0)


def test_next_word_limit_matches_enumeration(small, derivations):
    joint, n_predicted = defaultdict(float), 0.0
    for _, words, p in derivations:
        for k in range(len(words) + 1):
            joint[tuple(words[:k]), words[k] if k < len(words) else None] += p
        n_predicted += p * (len(words) + 1)
    best = defaultdict(float)
    for (prefix, _), p in joint.items():
        best[prefix] = max(best[prefix], p)
    limit = gpt.next_word_limit(small)
    assert limit.accuracy == pytest.approx(sum(best.values()) / n_predicted, rel=1e-9)
    assert 0.3 < limit.accuracy < 0.9 and limit.cross_entropy > 0


def test_next_word_posteriors_match_one_by_one(small):
    sentences = small.sample(20, rng=np.random.default_rng(0))
    inputs, targets, mask = gpt.next_token_batch(small.encode(sentences, length=small.max_length))
    probs = gpt.next_word_posteriors(small, inputs)
    assert probs.shape == inputs.shape + (len(small.vocab),)
    for n, sentence in enumerate(sentences):
        for k in range(len(sentence) + 1):
            np.testing.assert_allclose(probs[n, k], gpt.next_word_posterior(small, sentence[:k]), atol=1e-12)
    assert (probs[mask, targets[mask]] > 0).all()  # every true next word is possible


def test_next_word_posterior_errors(small):
    with pytest.raises(ValueError, match=r"prefix holds words outside the vocabulary: \['dragon'\]"):
        gpt.next_word_posterior(small, ["the", "dragon"])
    with pytest.raises(ValueError, match="starts no sentence of the language"):
        gpt.next_word_posterior(small, ["dog", "the"])


# ---- softmax with temperature
def test_softmax_with_temperature():
    logits = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 999.0]])
    p1 = gpt.softmax_with_temperature(logits, 1.0)
    np.testing.assert_allclose(p1[0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    np.testing.assert_allclose(p1.sum(axis=1), 1.0)
    assert np.isfinite(p1).all()  # large logits do not overflow
    assert gpt.softmax_with_temperature(logits, 0.01)[0].argmax() == 2
    assert gpt.softmax_with_temperature(logits, 0.01)[0, 2] > 0.999
    np.testing.assert_allclose(gpt.softmax_with_temperature(logits, 1e6)[0], 1 / 3, atol=1e-5)


@pytest.mark.parametrize("bad", [0, 0.0, -1.0])
def test_temperature_must_be_positive(bad):
    with pytest.raises(ValueError, match=r"temperature must be > 0, got .*use 1.0 for the model's own"):
        gpt.softmax_with_temperature(np.zeros(3), bad)


@pytest.mark.parametrize("bad", ["hot", None, True])
def test_temperature_must_be_a_number(bad):
    with pytest.raises(TypeError, match="temperature must be a number > 0"):
        gpt.softmax_with_temperature(np.zeros(3), bad)


# ---- the causal model, training and sampling
def test_gpt_config_is_causal_with_room_for_the_marker(small):
    config = gpt.gpt_config(small)
    assert config.causal and config.max_length == small.max_length + 1
    assert config.vocab_size == len(small.vocab)


def test_the_causal_model_never_looks_ahead(tiny_model):
    ids = torch.tensor([[0, 5, 6, 7, 8]])
    later = ids.clone()
    later[0, 3:] = torch.tensor([9, 10])
    with torch.no_grad():
        a, b = tiny_model(ids), tiny_model(later)
    torch.testing.assert_close(a[0, :3], b[0, :3])


def test_train_gpt_learns_and_is_deterministic(small):
    ids = small.encode(small.sample(200, rng=np.random.default_rng(0)), length=small.max_length)
    runs = []
    for _ in range(2):
        model = sc.nn_torch.TransformerEncoder(gpt.gpt_config(small, width=16, depth=1),
                                               generator=torch.Generator().manual_seed(0))
        runs.append(gpt.train_gpt(model, ids, steps=30, batch_size=32, lr=1e-2,
                                  generator=torch.Generator().manual_seed(1)))
    assert runs[0].losses == runs[1].losses
    assert np.mean(runs[0].losses[-5:]) < runs[0].losses[0] - 1.0
    assert runs[0].losses[0] == pytest.approx(np.log(len(small.vocab)), abs=0.3)


def test_train_gpt_needs_a_causal_model(small):
    config = gpt.gpt_config(small)
    masked = sc.nn_torch.TransformerEncoder(config.__class__(**{**config.__dict__, "causal": False}),
                                            generator=torch.Generator().manual_seed(0))
    ids = small.encode(small.sample(4, rng=np.random.default_rng(0)), length=small.max_length)
    with pytest.raises(TypeError, match="model must be a TransformerEncoder built with causal=True"):
        gpt.train_gpt(masked, ids, steps=1, generator=torch.Generator())


def test_sample_is_reproducible_and_keeps_the_prompt(small, tiny_model):
    a = gpt.sample(tiny_model, small, 5, generator=torch.Generator().manual_seed(0), prompt=["the", "dog"])
    b = gpt.sample(tiny_model, small, 5, generator=torch.Generator().manual_seed(0), prompt=["the", "dog"])
    assert a == b and len(a) == 5
    assert all(s[:2] == ["the", "dog"] for s in a)
    assert all(w not in (sc.data.MASK, sc.data.UNK) for s in a for w in s)
    assert all(len(s) <= small.max_length for s in a)


def test_sample_errors(small, tiny_model):
    g = torch.Generator().manual_seed(0)
    with pytest.raises(ValueError, match="temperature must be > 0, got 0"):
        gpt.sample(tiny_model, small, 2, generator=g, temperature=0)
    with pytest.raises(ValueError, match=r"prompt holds words outside the vocabulary: \['dragon', 'castle'\]"):
        gpt.sample(tiny_model, small, 2, generator=g, prompt=["the", "dragon", "castle"])
    with pytest.raises(ValueError, match=r"outside the vocabulary: \['<mask>'\]"):
        gpt.sample(tiny_model, small, 2, generator=g, prompt=["the", sc.data.MASK])
    with pytest.raises(TypeError, match="prompt must be a list of words, got the string 'the dog'"):
        gpt.sample(tiny_model, small, 2, generator=g, prompt="the dog")
    with pytest.raises(TypeError, match="generator must be a torch.Generator"):
        gpt.sample(tiny_model, small, 2, generator=0)


def test_valid_share(small):
    good = small.sample(10, rng=np.random.default_rng(0))
    assert gpt.valid_share(small, good) == 1.0
    assert gpt.valid_share(small, good[:3] + [["the"], [], ["dog", "the", "eats", "meat", "the"]]) == 0.5
    with pytest.raises(ValueError, match="sentences must be a non-empty list"):
        gpt.valid_share(small, [])


def test_training_flops():
    assert gpt.training_flops(10, 20) == 1200
    assert gpt.training_flops(175e9, 300e9) == pytest.approx(3.15e23)
    with pytest.raises(ValueError, match="n_tokens must be a positive number, got 0"):
        gpt.training_flops(10, 0)
