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
    with pytest.raises(ValueError, match=r"'image.png' holds zero bytes, so it is not plain text .* export it as plain text"):
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


BOOKS = {  # one short text per script: every word must come back whole
    "french": ("Le café est chaud. Une idée naïve!", [["le", "café", "est", "chaud"], ["une", "idée", "naïve"]]),
    "greek": ("Ο λόγος είναι σαφής.", [["ο", "λόγος", "είναι", "σαφής"]]),
    "russian": ("Это хорошая книга? Да.", [["это", "хорошая", "книга"], ["да"]]),
    "hindi": ("नमस्ते दुनिया। यह किताब है।", [["नमस्ते", "दुनिया"], ["यह", "किताब", "है"]]),
    "english": ("Don't panic. It’s fine.", [["don't", "panic"], ["it’s", "fine"]]),
}


@pytest.mark.parametrize("script", sorted(BOOKS))
def test_words_of_every_script_stay_whole(tmp_path, script):
    text, sentences = BOOKS[script]
    (tmp_path / "book.txt").write_text(text, encoding="utf-8")
    assert load_text(tmp_path / "book.txt").sentences == sentences


def test_decomposed_accents_are_joined_first():
    import unicodedata

    assert tokenize(unicodedata.normalize("NFD", "Naïve café.")) == [["naïve", "café"]]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_files_with_a_byte_order_mark(tmp_path, encoding):
    (tmp_path / "book.txt").write_bytes("Le café. Ο λόγος.".encode(encoding))  # Python writes the BOM
    assert load_text(tmp_path / "book.txt").sentences == [["le", "café"], ["ο", "λόγος"]]


def test_utf16_without_a_byte_order_mark_says_how(tmp_path):
    (tmp_path / "book.txt").write_bytes("Le café est chaud.".encode("utf-16-le"))
    with pytest.raises(ValueError, match=r"looks like UTF-16 text without a byte-order mark: pass encoding='utf-16-le'"):
        load_text(tmp_path / "book.txt")
    assert load_text(tmp_path / "book.txt", encoding="utf-16-le").sentences == [["le", "café", "est", "chaud"]]


def test_other_encodings_by_name(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Café au lait.".encode("latin-1"))
    assert load_text(tmp_path / "latin.txt", encoding="latin-1").sentences == [["café", "au", "lait"]]
    with pytest.raises(ValueError, match=r"encoding 'klingon' is not a codec Python knows"):
        load_text(tmp_path / "latin.txt", encoding="klingon")


def test_streaming_in_small_chunks_gives_the_same_corpus(tmp_path, monkeypatch):
    import sslcourse.data.text as text_module

    lang = sc.data.ToyLanguage("small")
    sentences = lang.sample(300, rng=np.random.default_rng(1))
    body = "\n".join(" ".join(s).capitalize() + ("." if n % 3 else "!") for n, s in enumerate(sentences))
    (tmp_path / "book.txt").write_text(body + " Ça va. Ελλάδα.", encoding="utf-8")
    whole = load_text(tmp_path / "book.txt")
    monkeypatch.setattr(text_module, "_CHUNK", 7)  # sentences and multi-byte letters cut between reads
    small = load_text(tmp_path / "book.txt", progress=False)
    assert small.sentences == whole.sentences == tokenize(body + " Ça va. Ελλάδα.")
    assert small.vocabulary.words == whole.vocabulary.words
    assert np.array_equal(small.encode(length=5), whole.encode(length=5))


def test_the_corpus_says_how_much_it_read(tmp_path):
    (tmp_path / "book.txt").write_text("The dog eats. The cat sleeps.", encoding="utf-8")
    corpus = load_text(tmp_path / "book.txt")
    assert repr(corpus) == "TextCorpus('book.txt': 2 sentences, 6 words, 8 in vocabulary, 29 bytes read)"
    assert len(corpus) == 2 and corpus.ids.dtype == np.int32


@pytest.mark.parametrize("bad, error, text", [
    (None, TypeError, r"path must be a str or Path, got NoneType"),
    (3, TypeError, r"path must be a str or Path, got int"),
])
def test_load_text_bad_path(bad, error, text):
    with pytest.raises(error, match=text):
        load_text(bad)
