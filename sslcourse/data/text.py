"""Your own text: load a plain-text file of any size, in any language, into sentences of word ids."""
from __future__ import annotations

import codecs
from array import array
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from .._validation import check_int
from .vocabulary import Vocabulary, tokenize

_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]  # UTF-32 LE before UTF-16 LE
_ENDS = ".!?\u3002\uff01\uff1f\u061f\u0964"  # as the tokeniser's sentence ends
_CHUNK = 1 << 20  # characters read at a time: memory stays bounded whatever the file's size
_BAR_FROM = 8 << 20  # files larger than this (bytes) get a progress bar


@dataclass(frozen=True, repr=False)
class TextCorpus:
    """The sentences of a text file as word ids, and the vocabulary built from them.

    ``ids`` holds every word of every sentence end to end (ids of ``vocabulary``, rare words as
    ``UNK``) and sentence ``n`` is ``ids[starts[n]:starts[n + 1]]``: a big book fits in a few bytes a
    word instead of a Python string each.
    """

    name: str
    ids: np.ndarray
    starts: np.ndarray
    vocabulary: Vocabulary
    n_bytes: int = 0

    def __len__(self):
        return len(self.starts) - 1

    def __repr__(self):
        return (f"TextCorpus({self.name!r}: {len(self):,} sentences, {len(self.ids):,} words, "
                f"{len(self.vocabulary):,} in vocabulary, {_size(self.n_bytes)} read)")

    @property
    def sentences(self):
        """The sentences as lists of words (rare words as ``<unk>``); for small corpora."""
        words = self.vocabulary.words
        return [[words[i] for i in self.ids[a:b]] for a, b in zip(self.starts[:-1], self.starts[1:])]

    def encode(self, *, length=None):
        """Sentences -> ids (N, L) padded with ``PAD``; sentences longer than ``length`` are cut."""
        lengths = np.diff(self.starts)
        longest = int(lengths.max())
        length = longest if length is None else check_int(length, "length", minimum=1)
        out = np.full((len(self), length), self.vocabulary.pad_id, dtype=np.int64)
        keep = np.minimum(lengths, length)
        rows = np.repeat(np.arange(len(self)), keep)  # (words kept,)
        cols = np.arange(len(rows)) - np.repeat(np.cumsum(keep) - keep, keep)
        out[rows, cols] = self.ids[np.repeat(self.starts[:-1], keep) + cols]
        return out


def _size(n_bytes):
    for unit in ("bytes", "kB", "MB", "GB"):
        if n_bytes < 1000 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "bytes" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1000


def _encoding(path, head, encoding):
    """The file's encoding: the one given, the one its byte-order mark says, else UTF-8."""
    if encoding is not None:
        try:
            return codecs.lookup(encoding).name
        except LookupError:
            raise ValueError(f"encoding {encoding!r} is not a codec Python knows: use e.g. 'utf-8', "
                             f"'latin-1' or 'cp1252'.") from None
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head:
        zeros_even = head[0::2].count(0) > len(head) // 4
        zeros_odd = head[1::2].count(0) > len(head) // 4
        if zeros_even != zeros_odd:  # every other byte zero: UTF-16 text without a byte-order mark
            guess = "utf-16-be" if zeros_even else "utf-16-le"
            raise ValueError(f"{path.name!r} looks like UTF-16 text without a byte-order mark: pass "
                             f"encoding={guess!r}, or save the file as UTF-8.")
        raise ValueError(f"{path.name!r} holds zero bytes, so it is not plain text (an image, a PDF or a "
                         f"word-processor file?): export it as plain text (.txt, UTF-8) first.")
    return "utf-8"


class _Undecodable(Exception):
    def __init__(self, position):
        self.position = position


def _stream(path, encoding, n_bytes, progress):
    """Yield the file's text in chunks that end at a sentence end (memory bounded by the chunk size)."""
    from tqdm.auto import tqdm

    decoder, carry, done = codecs.getincrementaldecoder(encoding)("strict"), "", 0
    with open(path, "rb") as raw, tqdm(total=n_bytes, unit="B", unit_scale=True, desc=path.name,
                                      disable=not progress) as bar:
        while True:
            block = raw.read(_CHUNK)
            try:
                chunk = carry + decoder.decode(block, final=not block)
            except UnicodeDecodeError as err:
                raise _Undecodable(done + err.start) from None
            done += len(block)
            bar.update(len(block))
            if not block:
                yield chunk
                return
            cut = max(chunk.rfind(end) for end in _ENDS)  # keep a sentence cut mid-way for the next chunk
            if cut < 0 and len(chunk) < 16 * _CHUNK:  # no sentence end yet: read on
                carry = chunk
                continue
            cut = chunk.rfind(" ") if cut < 0 else cut  # a "sentence" of 16 chunks: cut it between words
            carry, chunk = (chunk[cut + 1:], chunk[:cut + 1]) if cut >= 0 else ("", chunk)
            yield chunk


def load_text(path, *, min_count=1, max_vocab=None, encoding=None, progress=None):
    """Read a plain-text file (a book you downloaded, your notes...) in any language and any size.

    Parameters
    ----------
    path : str or Path
    min_count : int
        Words seen fewer times become ``UNK``.
    max_vocab : int, optional
        Keep at most this many of the most frequent words.
    encoding : str, optional
        The file's encoding; by default UTF-8, or UTF-16/32 when the file starts with a byte-order mark.
    progress : bool, optional
        Show a progress bar; by default only for files over 8 MB.

    Returns
    -------
    TextCorpus
    """
    if path is None or not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}. Pass the file's name, "
                        f"e.g. sc.data.load_text('my_book.txt').")
    path = Path(path)
    min_count = check_int(min_count, "min_count", minimum=1)
    max_vocab = None if max_vocab is None else check_int(max_vocab, "max_vocab", minimum=1)
    if not path.is_file():
        raise FileNotFoundError(f"no text file at {str(path)!r}: check the path (relative paths start at the notebook's folder).")
    n_bytes = path.stat().st_size
    with open(path, "rb") as f:
        encoding = _encoding(path, f.read(4096), encoding)
    index, first_ids, starts = {}, array("i"), array("q", [0])  # word -> id in order of first sight
    try:
        for chunk in _stream(path, encoding, n_bytes, n_bytes > _BAR_FROM if progress is None else progress):
            for sentence in tokenize(chunk):
                first_ids.extend([index.setdefault(w, len(index)) for w in sentence])
                starts.append(len(first_ids))
    except _Undecodable as err:
        shown = encoding.upper().replace("-SIG", "")
        raise ValueError(f"{path.name!r} is not {shown} text (byte {err.position} cannot be decoded): "
                         f"save it as UTF-8 plain text, or pass its encoding, e.g. encoding='latin-1'.") from None
    if not index:
        raise ValueError(f"{path.name!r} holds no words: give a file with some sentences of text.")
    return _corpus(path.name, np.frombuffer(first_ids, dtype=np.int32), np.frombuffer(starts, dtype=np.int64),
                   list(index), min_count=min_count, max_vocab=max_vocab, n_bytes=n_bytes)


def _corpus(name, first_ids, starts, words, *, min_count, max_vocab, n_bytes):
    """Renumber words by frequency (ties alphabetically), rare ones to ``UNK``."""
    counts = np.bincount(first_ids, minlength=len(words))
    order = sorted(range(len(words)), key=lambda i: (-counts[i], words[i]))
    order = [i for i in order if counts[i] >= min_count][:max_vocab]
    vocabulary = Vocabulary([words[i] for i in order])
    new_id = np.full(len(words), vocabulary.unk_id, dtype=np.int32)
    new_id[order] = np.arange(len(order), dtype=np.int32) + vocabulary.n_special
    return TextCorpus(name, new_id[first_ids], starts, vocabulary, n_bytes)


def sample_text_path():
    """Path of a short text that ships with the package (written by the project)."""
    return Path(str(resources.files("sslcourse.data") / "sample_text.txt"))
