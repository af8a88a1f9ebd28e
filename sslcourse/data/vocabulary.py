"""Special tokens, the tokeniser, and the word <-> id mapping shared by all text data."""
from __future__ import annotations

import re
import unicodedata

import numpy as np

PAD = "<pad>"
MASK = "<mask>"
UNK = "<unk>"
SPECIALS = (PAD, MASK, UNK)

_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f\u061f\u0964]+")  # also 。！？ (CJK), ؟ (Arabic), । (Hindi)


def _mark_ranges():
    """A regex class body of the combining marks (Mn, Mc, Me) of the Basic Multilingual Plane."""
    marks = [c for c in range(0x300, 0x10000) if unicodedata.category(chr(c))[0] == "M"]
    ranges, start = [], marks[0]
    for prev, cur in zip(marks, marks[1:] + [None]):
        if cur != prev + 1:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}" if prev > start else re.escape(chr(start)))
            start = cur
    return "".join(ranges)


_LETTER, _MARKS = r"[^\W\d_]", f"[{_mark_ranges()}]*"  # a letter of any script; accents that follow it
_WORD = re.compile(rf"{_LETTER}{_MARKS}(?:(?:{_LETTER}|['\u2019]{_LETTER}){_MARKS})*")


def tokenize(text):
    """Split text into sentences of lower-case words.

    Parameters
    ----------
    text : str
        Any plain text.

    Returns
    -------
    list of list of str
        One list of words per sentence; sentences end at ``.``, ``!`` or ``?`` (and their CJK,
        Arabic and Devanagari forms). A word is a run of letters of any script with its accents
        (text is NFC-normalised first) and inner apostrophes: "café", "naïve", "λόγος", "don't".
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}.")
    sentences = []
    for chunk in _SENTENCE_END.split(unicodedata.normalize("NFC", text).lower()):
        words = _WORD.findall(chunk)
        if words:
            sentences.append(words)
    return sentences


class Vocabulary:
    """Words and their ids; ids 0, 1, 2 are ``PAD``, ``MASK`` and ``UNK``.

    Parameters
    ----------
    words : sequence of str
        The ordinary words, in id order (the special tokens are put first).
    """

    def __init__(self, words):
        words = [w for w in words if w not in SPECIALS]
        if len(set(words)) != len(words):
            raise ValueError("words must not repeat; remove the duplicates.")
        self.words = list(SPECIALS) + words
        self.index = {w: i for i, w in enumerate(self.words)}

    pad_id, mask_id, unk_id = 0, 1, 2
    n_special = len(SPECIALS)

    def __len__(self):
        return len(self.words)

    def __repr__(self):
        return f"Vocabulary({len(self)} words: {', '.join(self.words[3:8])}, ...)"

    def encode(self, sentences, *, length=None, unknown="error"):
        """Turn sentences into an id array padded with ``PAD``.

        Parameters
        ----------
        sentences : list of list of str
            N sentences.
        length : int, optional
            L, the padded length; by default the longest sentence.
        unknown : {"error", "unk"}
            What to do with a word outside the vocabulary.

        Returns
        -------
        ndarray of int64, shape (N, L)
        """
        sentences = _check_sentences(sentences)
        longest = max(len(s) for s in sentences)
        length = longest if length is None else length
        if length < longest:
            raise ValueError(f"length must be at least the longest sentence ({longest}), got {length}.")
        ids = np.full((len(sentences), length), self.pad_id, dtype=np.int64)
        for n, sentence in enumerate(sentences):
            ids[n, : len(sentence)] = [self._id(w, unknown) for w in sentence]
        return ids

    def _id(self, word, unknown):
        if word in self.index:
            return self.index[word]
        if unknown == "unk":
            return self.unk_id
        raise ValueError(
            f"the word {word!r} is not in the vocabulary. Check its spelling, or pass "
            f"unknown='unk' to map unknown words to {UNK}."
        )

    def decode(self, ids, *, keep_pad=False):
        """Turn an id array (N, L) or (L,) back into words, dropping ``PAD``."""
        ids = np.asarray(ids)
        if ids.ndim == 1:
            return self.decode(ids[None], keep_pad=keep_pad)[0]
        if ids.ndim != 2 or ids.dtype.kind not in "iu":
            raise ValueError(f"ids must be an integer array of shape (N, L) or (L,), got {ids.dtype} {ids.shape}.")
        return [[self.words[i] for i in row if keep_pad or i != self.pad_id] for row in ids]


def _check_sentences(sentences):
    if isinstance(sentences, str) or not hasattr(sentences, "__len__"):
        raise TypeError(
            f"sentences must be a list of sentences, each a list of words, got {type(sentences).__name__}. "
            "Split text with sc.data.tokenize(text) first."
        )
    if len(sentences) == 0:
        raise ValueError("sentences is empty: give at least one sentence.")
    for s in sentences:
        if isinstance(s, str):
            raise TypeError(
                f"each sentence must be a list of words, got the string {s!r}. Use s.split() or sc.data.tokenize."
            )
        if len(s) == 0:
            raise ValueError("a sentence is empty: every sentence needs at least one word.")
    return sentences
