"""Your own text files, the tokeniser, the vocabulary, and the digits images."""
import numpy as np
import pytest

import sslcourse as sc
from sslcourse.data import Vocabulary, load_text, tokenize


def test_tokenize_splits_sentences_and_lowercases():
    assert tokenize("The Dog eats. A cat's toy!  Why?") == [["the", "dog", "eats"], ["a", "cat's", "toy"], ["why"]]


def test_toy_sentences_survive_the_tokeniser():
    lang = sc.data.ToyLanguage("small")
    sentences = lang.sample(20, rng=np.random.default_rng(0))
    text = " ".join(" ".join(s).capitalize() + "." for s in sentences)
    assert tokenize(text) == sentences


def test_sample_text_loads():
    corpus = load_text(sc.data.sample_text_path())
    assert len(corpus.sentences) > 20
    assert corpus.vocabulary.words[:3] == ["<pad>", "<mask>", "<unk>"]
    assert corpus.vocabulary.words[3] == "the"  # most frequent first
    ids = corpus.encode(length=8)
    assert ids.shape == (len(corpus.sentences), 8) and ids.dtype == np.int64
    assert repr(corpus).startswith("TextCorpus('sample_text.txt': ")


def test_rare_words_become_unk():
    corpus = load_text(sc.data.sample_text_path(), min_count=3)
    ids = corpus.encode()
    assert (ids == corpus.vocabulary.unk_id).any()


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no text file at '.*nothing.txt': check the path"):
        load_text(tmp_path / "nothing.txt")


def test_empty_file(tmp_path):
    (tmp_path / "empty.txt").write_text("  ... \n")
    with pytest.raises(ValueError, match=r"'empty.txt' holds no words"):
        load_text(tmp_path / "empty.txt")


def test_binary_file(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(ValueError, match=r"'image.png' looks binary, not plain text"):
        load_text(tmp_path / "image.png")


def test_undecodable_file(tmp_path):
    (tmp_path / "latin.txt").write_bytes("café au lait".encode("latin-1"))
    with pytest.raises(ValueError, match=r"'latin.txt' is not UTF-8 text \(byte 3 cannot be decoded\)"):
        load_text(tmp_path / "latin.txt")


def test_vocabulary_errors():
    vocab = Vocabulary(["dog", "cat"])
    with pytest.raises(ValueError, match=r"the word 'cow' is not in the vocabulary.*unknown='unk'"):
        vocab.encode([["dog", "cow"]])
    with pytest.raises(TypeError, match=r"each sentence must be a list of words, got the string 'dog cat'"):
        vocab.encode(["dog cat"])
    with pytest.raises(ValueError, match="sentences is empty"):
        vocab.encode([])
    with pytest.raises(ValueError, match=r"words must not repeat"):
        Vocabulary(["dog", "dog"])
    assert vocab.encode([["dog", "cow"]], unknown="unk").tolist() == [[3, 2]]


def test_digits_are_images_in_unit_range():
    images, labels = sc.data.load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.float64
    assert images.min() == 0.0 and images.max() == 1.0
    assert labels.shape == (1797,) and set(labels.tolist()) == set(range(10))
