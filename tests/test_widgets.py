"""The explorers' logic, without a browser: pure functions, state changes, simulated input."""
import html

import numpy as np
import pytest

import sslcourse as sc
from sslcourse.data import MASK
from sslcourse.widgets import (ImageMaskExplorer, ImageMaskState, MaskedWordExplorer, MaskedWordState,
                               counts_predictor, logits_predictor, neighbour_fill, top_words)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def language():
    return sc.data.ToyLanguage("small", seed=0)


@pytest.fixture(scope="module")
def counts(language):
    sentences = language.sample(500, rng=np.random.default_rng(1))
    return sc.baselines.NeighbourCounts(len(language.vocab)).fit(language.encode(sentences, length=language.max_length))


@pytest.fixture(scope="module")
def predictor(counts, language):
    return counts_predictor(counts, language)


@pytest.fixture(scope="module")
def digits():
    images, labels = sc.data.load_digits()
    return images[:5], labels[:5]


def test_top_words_sorts_breaks_ties_by_vocabulary_order_and_drops_zeros():
    assert top_words(np.array([0.2, 0.0, 0.5, 0.2, 0.1]), list("abcde"), 3) == [("c", 0.5), ("a", 0.2), ("d", 0.2)]
    assert top_words(np.array([0.0, 1.0]), ["a", "b"], 5) == [("b", 1.0)]


def test_top_words_rejects_probs_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"one entry per vocabulary word \(3\), got 2"):
        top_words(np.array([0.5, 0.5]), ["a", "b", "c"], 1)


def test_counts_predictor_gives_the_models_row_for_the_hidden_position(counts, language, predictor):
    words = ["the", "dog", "eats", "some", MASK]
    ids = language.encode([words], length=language.max_length)
    mask = np.zeros(ids.shape, dtype=bool)
    mask[0, 4] = True
    np.testing.assert_allclose(predictor(words, 4), counts.predict_proba(ids, mask)[0])


def test_counts_predictor_needs_a_predict_proba_method(language):
    with pytest.raises(TypeError, match="must have a predict_proba.*got int"):
        counts_predictor(3, language)


def test_logits_predictor_takes_the_softmax_at_the_position_for_numpy_and_torch(language):
    torch = pytest.importorskip("torch")
    V, L = len(language.vocab), language.max_length
    logits = np.random.default_rng(0).normal(size=(1, L, V))
    expected = np.exp(logits[0, 2]) / np.exp(logits[0, 2]).sum()
    words = ["the", "dog", MASK, "some", "meat"]
    np.testing.assert_allclose(logits_predictor(lambda ids: logits, language)(words, 2), expected)
    from_torch = logits_predictor(lambda ids: torch.as_tensor(logits), language)(words, 2)
    np.testing.assert_allclose(from_torch, expected, rtol=1e-5)
    with pytest.raises(TypeError, match="forward must be a function"):
        logits_predictor("model", language)


def test_state_toggles_words_and_the_last_hidden_one_is_predicted(language, predictor):
    state = MaskedWordState(language, predictor, "the dog eats some meat")
    assert state.target is None and "no word hidden" in state.summary()
    state.toggle(4)
    state.toggle(1)
    assert state.hidden == [4, 1] and state.target == 1
    assert state.masked_words() == ["the", MASK, "eats", "some", MASK]
    state.set_target(4)
    state.toggle(4)
    assert state.hidden == [1] and state.target == 1
    state.toggle(1)
    assert state.target is None


def test_state_predictions_compare_the_model_with_the_exact_posterior(language, predictor):
    state = MaskedWordState(language, predictor, ["the", "dog", "eats", "some", "meat"], hidden=[4], k=3)
    model, exact = state.predictions()
    expected = language.posterior(["the", "dog", "eats", "some", MASK], 4)
    assert exact == top_words(expected, language.vocab, 3)
    assert len(model) == 3 and model[0][1] >= model[-1][1]
    lines = state.summary().splitlines()
    assert lines[0] == "the dog eats some [?]"
    assert lines[1] == "predicting word 5 (truth: meat)"
    assert lines[3].split()[2:] == [exact[0][0], f"{exact[0][1]:.2f}"]


@pytest.mark.parametrize("call, error, match", [
    (lambda s: s.set_sentence("the dog eats some zebra"), ValueError, "'zebra' is not a word of the toy language"),
    (lambda s: s.set_sentence(""), TypeError, "sentence must be a non-empty str"),
    (lambda s: s.set_sentence(["the", "<pad>"]), ValueError, "'<pad>' is not a word of the toy language"),
    (lambda s: s.set_target(0), ValueError, r"one of the hidden positions \[4\], got 0"),
    (lambda s: s.toggle(9), ValueError, "position must be at most 4"),
])
def test_state_rejects_bad_input_with_clear_messages(language, predictor, call, error, match):
    state = MaskedWordState(language, predictor, "the dog eats some meat", hidden=[4])
    with pytest.raises(error, match=match):
        call(state)


def test_state_says_so_when_the_language_cannot_make_the_sentence(language, predictor):
    state = MaskedWordState(language, predictor, "meat eats the some dog", hidden=[0])
    assert "ValueError: the language never makes a sentence like" in state.summary()


def test_state_reports_a_failing_model_instead_of_raising(language):
    def broken(words, position):
        raise RuntimeError("weights not loaded")

    state = MaskedWordState(language, broken, "the dog eats some meat", hidden=[4])
    assert state.summary().endswith("RuntimeError: weights not loaded")


def test_state_needs_a_callable_predictor(language):
    with pytest.raises(TypeError, match="predictor must be a function.*counts_predictor"):
        MaskedWordState(language, object(), "the dog eats some meat")


def test_word_explorer_reacts_to_simulated_input(language, predictor):
    explorer = MaskedWordExplorer(language, predictor, seed=0)
    first = explorer.text.value
    assert html.unescape(first) == f"<pre class='sslcourse-summary'>{explorer.summary()}</pre>"
    assert [b.value for b in explorer.words.children] == [False] * (len(explorer.words.children) - 1) + [True]
    explorer.words.children[0].value = True  # click the first word
    assert explorer.state.target == 0 and explorer.target.value == 0
    assert explorer.words.children[0].button_style == "warning" and explorer.words.children[1].button_style == ""
    assert explorer.text.value != first and "predicting word 1" in explorer.text.value
    explorer.target.value = explorer.target.options[-1][1]  # predict the last word again
    assert explorer.state.target == len(explorer.state.words) - 1
    other = explorer.choose.options[1]
    explorer.choose.value = other
    assert [b.description for b in explorer.words.children] == other.split()
    explorer.typed.value = "the cat eats the meat"
    assert explorer.state.words == ["the", "cat", "eats", "the", "meat"]


def test_word_explorer_shows_bad_typed_input_instead_of_failing(language, predictor):
    explorer = MaskedWordExplorer(language, predictor, sentences=[["the", "dog", "eats", "some", "meat"]])
    explorer.typed.value = "the dog eats some zebra"
    assert "not a word of the toy language" in explorer.text.value
    assert explorer.state.words[-1] == "meat"


def test_word_explorer_shows_the_same_text_summary_where_no_widget_is_drawn(language, predictor):
    a, b = MaskedWordExplorer(language, predictor), MaskedWordExplorer(language, predictor)
    bundle = a._repr_mimebundle_()
    assert bundle["text/plain"] == a.summary() == repr(a) == repr(b)
    assert WIDGET_VIEW in bundle and "0x" not in repr(a)


def test_neighbour_fill_keeps_visible_pixels_and_fills_a_flat_image_flat():
    images = np.random.default_rng(0).random((2, 4, 4))
    mask = np.zeros((2, 4, 4), dtype=bool)
    mask[:, 1:3, 1:3] = True
    out = neighbour_fill(images, mask)
    np.testing.assert_array_equal(out[~mask], images[~mask])
    np.testing.assert_allclose(neighbour_fill(np.full((1, 4, 4), 0.3), mask[:1]), 0.3)
    with pytest.raises(TypeError, match="mask must be a bool array"):
        neighbour_fill(images, mask.astype(int))


def test_image_state_hides_exact_counts_nested_as_the_ratio_grows(digits):
    state = ImageMaskState(*digits[:1], ratio=0.25)
    low = state.mask()
    assert low.shape == (8, 8) and low.sum() == 16
    high = state.update(ratio=0.75).mask()
    assert high.sum() == 48 and np.all(high[low])


def test_image_state_hides_whole_patches(digits):
    mask = ImageMaskState(digits[0], patch=4, ratio=0.5).mask()
    blocks = mask.reshape(2, 4, 2, 4).transpose(0, 2, 1, 3).reshape(4, 16)
    assert mask.sum() == 32 and all(b.all() or not b.any() for b in blocks)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"patch": 3}, ValueError, r"patch must cut the 8 x 8 images.*Pick one of \[1, 2, 4\]"),
    ({"ratio": 1.0}, ValueError, r"ratio must lie in \(0.0, 1.0\)"),
    ({"reconstruct": "mae"}, TypeError, "reconstruct must be a function"),
    ({"labels": np.arange(3)}, ValueError, r"labels must have one entry per image \(5\), got 3"),
])
def test_image_state_rejects_bad_settings(digits, kwargs, error, match):
    with pytest.raises(error, match=match):
        ImageMaskState(digits[0], **kwargs)


def test_image_state_update_names_the_settings_it_knows(digits):
    with pytest.raises(TypeError, match=r"unknown setting 'ratios'; use one of \['index', 'patch', 'ratio', 'seed'\]"):
        ImageMaskState(digits[0]).update(ratios=0.5)


def test_image_summary_is_deterministic_and_reports_a_failing_reconstruct(digits):
    images, labels = digits
    text = ImageMaskState(images, labels=labels).summary()
    assert text == ImageMaskState(images, labels=labels).summary()
    assert text.splitlines()[0].startswith("image 0 (digit 0), hiding 0.50 of the pixels: 32 of 64 pixels hidden")
    assert len(text.splitlines()) == 2 + 8
    wrong = ImageMaskState(images, lambda x, m: x[0])
    assert "reconstruct must return images of shape (1, 8, 8), got (8, 8)" in wrong.summary()


def test_image_explorer_reacts_to_simulated_input(digits):
    explorer = ImageMaskExplorer(*digits[:1], labels=digits[1])
    first_text, first_png = explorer.text.value, bytes(explorer.picture.value)
    assert first_png.startswith(b"\x89PNG")
    explorer.ratio.value = 0.75
    assert "hiding 0.75" in explorer.text.value and bytes(explorer.picture.value) != first_png
    explorer.patch.value = 2
    assert "2x2 patches" in explorer.text.value
    explorer.index.value = 3
    assert "image 3 (digit 3)" in explorer.text.value
    explorer.new_mask.click()
    assert explorer.state.seed == 1
    assert explorer._repr_mimebundle_()["text/plain"] == explorer.summary() != first_text


def test_image_explorer_never_fails_on_a_broken_reconstruct(digits):
    def broken(images, mask):
        raise RuntimeError("not trained yet")

    explorer = ImageMaskExplorer(digits[0], broken)
    assert "reconstruct failed: RuntimeError: not trained yet" in explorer.text.value
    assert bytes(explorer.picture.value) == b""
