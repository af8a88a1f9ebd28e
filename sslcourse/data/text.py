"""Your own text: load a plain-text file into sentences and a vocabulary."""
from __future__ import annotations

import collections
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .._validation import check_int
from .vocabulary import Vocabulary, tokenize


@dataclass(frozen=True, repr=False)
class TextCorpus:
    """Sentences of a text file and the vocabulary built from them."""

    name: str
    sentences: list
    vocabulary: Vocabulary

    def __repr__(self):
        n_words = sum(len(s) for s in self.sentences)
        return f"TextCorpus({self.name!r}: {len(self.sentences)} sentences, {n_words} words, {len(self.vocabulary)} in vocabulary)"

    def encode(self, *, length=None):
        """Sentences -> ids (N, L); rare words become ``UNK``, long sentences are cut to ``length``."""
        sentences = self.sentences if length is None else [s[:length] for s in self.sentences]
        return self.vocabulary.encode(sentences, length=length, unknown="unk")


def load_text(path, *, min_count=1, max_vocab=None):
    """Read a UTF-8 plain-text file (a book you downloaded, your notes...).

    Parameters
    ----------
    path : str or Path
    min_count : int
        Words seen fewer times become ``UNK``.
    max_vocab : int, optional
        Keep at most this many of the most frequent words.

    Returns
    -------
    TextCorpus
    """
    path = Path(path)
    min_count = check_int(min_count, "min_count", minimum=1)
    if not path.is_file():
        raise FileNotFoundError(f"no text file at {str(path)!r}: check the path (relative paths start at the notebook's folder).")
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ValueError(f"{path.name!r} looks binary, not plain text: give a .txt file (save it as plain text first).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{path.name!r} is not UTF-8 text (byte {err.start} cannot be decoded): save it as UTF-8 plain text."
        ) from None
    sentences = tokenize(text)
    if not sentences:
        raise ValueError(f"{path.name!r} holds no words: give a file with some sentences of text.")
    counts = collections.Counter(w for s in sentences for w in s)
    kept = [w for w, c in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0])) if c >= min_count]
    if max_vocab is not None:
        kept = kept[: check_int(max_vocab, "max_vocab", minimum=1)]
    return TextCorpus(path.name, sentences, Vocabulary(kept))


def sample_text_path():
    """Path of a short text that ships with the package (written by the project)."""
    return Path(str(resources.files("sslcourse.data") / "sample_text.txt"))
