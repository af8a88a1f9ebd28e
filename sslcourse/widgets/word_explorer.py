"""The masked-word explorer: hide words of a sentence and compare a model with the exact answer."""
from __future__ import annotations

import itertools

import ipywidgets as widgets
import numpy as np

from .._validation import check_array, check_int, check_language
from ..data.vocabulary import MASK
from ._base import Explorer


def counts_predictor(model, language):
    """Turn a fitted model with ``predict_proba(inputs, mask) -> (M, V)`` into a predictor.

    Works for ``sc.baselines.NeighbourCounts`` and ``UnigramCounts`` (and any model with the
    same method).

    Returns
    -------
    callable
        ``predict_proba(words, position) -> (V,)`` probabilities for the word at ``position``.
    """
    if not callable(getattr(model, "predict_proba", None)):
        raise TypeError(f"model must have a predict_proba(inputs, mask) method, got {type(model).__name__}. "
                        "Pass a fitted baseline such as sc.baselines.NeighbourCounts(V).fit(ids).")
    check_language(language)

    def predict_proba(words, position):
        ids, mask = _encode_one(language, words, position)
        return np.asarray(model.predict_proba(ids, mask), dtype=np.float64)[0]
    return predict_proba


def logits_predictor(forward, language):
    """Turn ``forward(ids (1, L)) -> logits (1, L, V)`` (numpy or torch) into a predictor.

    For a torch module use ``forward=lambda ids: model(torch.as_tensor(ids))``.
    """
    if not callable(forward):
        raise TypeError(f"forward must be a function of ids (1, L), got {type(forward).__name__}. "
                        f"For a torch model pass forward=lambda ids: model(torch.as_tensor(ids)).")
    check_language(language)

    def predict_proba(words, position):
        ids, _ = _encode_one(language, words, position)
        logits = forward(ids)
        if hasattr(logits, "detach"):  # a torch tensor
            logits = logits.detach().float().cpu().numpy()
        z = np.asarray(logits, dtype=np.float64)[0, position]  # (V,)
        e = np.exp(z - z.max())
        return e / e.sum()
    return predict_proba


def _encode_one(language, words, position):
    ids = language.encode([list(words)], length=language.max_length)  # (1, L)
    mask = np.zeros(ids.shape, dtype=bool)
    mask[0, position] = True
    return ids, mask


def top_words(probs, vocab, k):
    """The ``k`` most probable words as ``[(word, p), ...]``: ties by vocabulary order, zeros left out."""
    probs = check_array(probs, "probs", ndim=1, dtype_kind="f", finite=True)
    if isinstance(vocab, str) or not isinstance(vocab, (list, tuple)) or not all(isinstance(w, str) for w in vocab):
        raise TypeError(f"vocab must be a list of words (str), index = id, got {type(vocab).__name__}. "
                        f"Pass language.vocab.")
    if len(probs) != len(vocab):
        raise ValueError(f"probs must have one entry per vocabulary word ({len(vocab)}), got {len(probs)}. "
                         f"Pass the probabilities over language.vocab.")
    order = [i for i in np.argsort(-probs, kind="stable") if probs[i] > 0]
    return [(vocab[i], float(probs[i])) for i in order[:check_int(k, "k", minimum=1)]]


class MaskedWordState:
    """A sentence, the words hidden in it, and which hidden word to predict.

    Parameters
    ----------
    language : ToyLanguage
    predictor : callable
        ``predict_proba(words, position) -> (V,)``; hidden words are ``sc.data.MASK``.
    sentence : str or list of str
    hidden : iterable of int
        Positions hidden at the start; the last one is the word to predict.
    k : int
        How many top words to list.
    """

    def __init__(self, language, predictor, sentence, *, hidden=(), k=5):
        if not callable(predictor):
            raise TypeError(f"predictor must be a function predict_proba(words, position), got "
                            f"{type(predictor).__name__}. Wrap a baseline with sc.widgets.counts_predictor.")
        self.language, self.predictor, self.k = check_language(language), predictor, check_int(k, "k", minimum=1)
        self.set_sentence(sentence, hidden=hidden)

    def set_sentence(self, sentence, *, hidden=()):
        """Show a new sentence (a str is split on spaces) with the given positions hidden."""
        words = sentence.lower().split() if isinstance(sentence, str) else \
            list(sentence) if isinstance(sentence, (list, tuple)) else None
        if not words or not all(isinstance(w, str) for w in words):
            raise TypeError(f"sentence must be a non-empty str or list of str, got {sentence!r}. "
                            f"Pass a sentence like 'the dog eats some meat' or language.sample(1, rng=rng)[0].")
        if isinstance(hidden, (str, bytes)) or not isinstance(hidden, (list, tuple, range, set)):
            raise TypeError(f"hidden must be a list of positions (int), got {type(hidden).__name__}. "
                            f"Pass hidden=(1,) to hide the second word, or () to hide none.")
        vocabulary = self.language.vocabulary
        unknown = [w for w in words if vocabulary.index.get(w, 0) < vocabulary.n_special]  # specials too
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a word of the toy language: check its spelling "
                             "in language.vocab.")
        self.words, self.hidden, self.target = words, [], None
        for position in hidden:
            self.toggle(position)

    def toggle(self, position):
        """Hide a visible word (it becomes the one to predict) or show a hidden one."""
        position = check_int(position, "position", minimum=0, maximum=len(self.words) - 1)
        if position in self.hidden:
            self.hidden.remove(position)
            if self.target == position:
                self.target = self.hidden[-1] if self.hidden else None
        else:
            self.hidden.append(position)
            self.target = position

    def set_target(self, position):
        """Choose which hidden word to predict."""
        if position not in self.hidden:
            raise ValueError(f"position must be one of the hidden positions {sorted(self.hidden)}, got "
                             f"{position!r}. Hide that word first with toggle({position}).")
        self.target = position

    def masked_words(self):
        """The sentence with every hidden word replaced by ``MASK``."""
        return [MASK if i in self.hidden else w for i, w in enumerate(self.words)]

    def predictions(self):
        """``(model_top, exact_top)``: the model's and the exact posterior's top words."""
        if self.target is None:
            raise ValueError("no word is hidden: hide one with toggle(position) first.")
        words = self.masked_words()
        exact = self.language.posterior(words, self.target)
        model = np.asarray(self.predictor(words, self.target), dtype=np.float64)
        vocab = self.language.vocab
        return top_words(model, vocab, self.k), top_words(exact, vocab, self.k)

    def summary(self):
        """A short text of the current state; never raises."""
        shown = " ".join("[?]" if i == self.target else "___" if i in self.hidden else w
                         for i, w in enumerate(self.words))
        if self.target is None:
            return f"{shown}\nno word hidden: click a word to hide it."
        head = f"{shown}\npredicting word {self.target + 1} (truth: {self.words[self.target]})"
        try:
            model, exact = self.predictions()
        except Exception as err:  # an impossible sentence, or the learner's model failed: say so
            return f"{head}\n{type(err).__name__}: {err}"
        model, exact = ([(w, p) for w, p in top if p >= 0.005] for top in (model, exact))  # shown as 0.00
        rows = [f"  {'model':<20}exact posterior"]
        for (m, pm), (e, pe) in itertools.zip_longest(model, exact, fillvalue=("", None)):
            left = f"{m:<13}{pm:5.2f}" if pm is not None else " " * 18
            rows.append(f"  {left}  {e:<13}{pe:5.2f}" if pe is not None else f"  {left}")
        return "\n".join([head, *rows])


class MaskedWordExplorer(Explorer):
    """Pick or type a sentence, click words to hide them, and compare a model with the exact answer.

    Parameters
    ----------
    language : ToyLanguage
    predictor : callable
        ``predict_proba(words, position) -> (V,)``, e.g. ``counts_predictor(model, language)``.
    sentences : list of list of str, optional
        The sentences to pick from; by default 8 drawn from ``language`` with ``seed``.
    k : int
        How many top words to list.
    seed : int
    """

    def __init__(self, language, predictor, *, sentences=None, k=5, seed=0):
        if sentences is None:
            sentences = language.sample(8, rng=np.random.default_rng(check_int(seed, "seed", minimum=0)))
        options = list(dict.fromkeys(" ".join(s) if not isinstance(s, str) else s for s in sentences))
        if not options:
            raise ValueError("sentences must hold at least one sentence; leave it out to draw 8.")
        first = options[0].split()
        self.state = MaskedWordState(language, predictor, first, hidden=[len(first) - 1], k=k)
        self.choose = widgets.Dropdown(options=options, description="sentence")
        self.typed = widgets.Text(placeholder="or type one and press Enter", description="your own",
                                  continuous_update=False)
        self.words, self.target, self.text = widgets.HBox(), widgets.Dropdown(description="predict"), widgets.HTML()
        self.widget = widgets.VBox([self.choose, self.typed, widgets.Label("Click words to hide or show them:"),
                                    self.words, self.target, self.text])
        self._busy = False
        self.choose.observe(lambda change: self._new_sentence(change["new"]), names="value")
        self.typed.observe(lambda change: self._new_sentence(change["new"]), names="value")
        self.target.observe(self._on_target, names="value")
        self._rebuild_words()

    def summary(self):
        """The current sentence, the hidden words and both top-k lists, as text."""
        return self.state.summary()

    def _new_sentence(self, text):
        if not text.strip():
            return
        try:
            words = text.lower().split()
            self.state.set_sentence(words, hidden=[len(words) - 1])
        except (TypeError, ValueError) as err:
            self._show(f"{text}\n{err}")
            return
        self._rebuild_words()

    def _rebuild_words(self):
        buttons = []
        for i, word in enumerate(self.state.words):
            button = widgets.ToggleButton(value=i in self.state.hidden, description=word,
                                          layout=widgets.Layout(width="auto"))
            button.observe(lambda change, i=i: self._on_toggle(i), names="value")
            buttons.append(button)
        self.words.children = buttons
        self._update()

    def _on_toggle(self, position):
        self.state.toggle(position)
        self._update()

    def _on_target(self, change):
        if not self._busy and change["new"] is not None:
            self.state.set_target(change["new"])
            self._show(self.summary())

    def _update(self):
        self._busy = True  # changing the options must not count as choosing a target
        hidden = sorted(self.state.hidden)
        self.target.options = [(f"word {i + 1}: {self.state.words[i]}", i) for i in hidden]
        self.target.value = self.state.target
        for i, button in enumerate(self.words.children):
            button.button_style = "warning" if i in self.state.hidden else ""
        self._busy = False
        self._show(self.summary())
