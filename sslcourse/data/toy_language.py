"""A small probabilistic language whose best possible masked-word guess is known exactly.

A sentence is made in three steps (one *slot* each): a subject noun phrase, a verb, and an
object, after a topic (farm, town or home) and a kind of sentence (eat, go, use, see, own)
are drawn. ``sample`` walks these steps with random choices; the exact probabilities walk
*every* choice (enumeration) and keep each sentence with its probability, so the posterior of
a hidden word is a sum over that table.
"""
from __future__ import annotations

import functools

import numpy as np

from .._validation import check_int, check_ratio, check_rng
from . import lexicon as lx
from .grammar import TEMPLATES, categories, determiners, draw_weights, plural
from .table import build_table, matching_rows
from .vocabulary import MASK, Vocabulary

SIZES = {"small": 3, "default": 8, "large": 12}
P_PLURAL = 0.4
P_ADJECTIVE = 0.3
TOPIC_BOOST = 3.0  # a noun of the sentence's topic is this many times more likely


class ToyLanguage:
    """The course's toy language.

    Parameters
    ----------
    size : {"small", "default", "large"}
        How many animals and people (3, 8 or 12 of each).
    seed : int
        Draws the language's preferences (which food a dog favours, ...).
    pronoun_bias : float in [0, 1]
        0: every job comes with "his" and "her" equally often; 1: each job always comes with
        one of them (see ``lexicon.HIS_JOBS``). In between, the favoured pronoun has
        probability ``(1 + pronoun_bias) / 2``.
    """

    def __init__(self, size="default", *, seed=0, pronoun_bias=0.0):
        if size not in SIZES:
            raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}.")
        self.size, self.seed = size, check_int(seed, "seed", minimum=0)
        self.pronoun_bias = check_ratio(pronoun_bias, "pronoun_bias", inclusive=(True, True))
        n = SIZES[size]
        self.animals = list(lx.ANIMALS)[:n]
        self.people = list(lx.PEOPLE)[:n]
        self._weights = draw_weights(self.animals, self.people, seed)
        self.categories = categories(self.animals, self.people)
        self.vocabulary = Vocabulary(list(self.categories))
        self.vocab = self.vocabulary.words
        self.topics = list(lx.TOPICS)
        self._option_cache = {}

    def __repr__(self):
        return (f"ToyLanguage(size={self.size!r}, seed={self.seed}, pronoun_bias={self.pronoun_bias}, "
                f"{len(self.vocab)} words)")

    # ---- the generative process: three slots, each a list of (words, probability, state)
    def _slots(self, template):
        return (self._subject, self._verb, getattr(self, f"_object_{template}"))

    def _subject(self, state):
        people_only = state["template"] in ("use", "own")
        nouns = self.people if people_only else self.animals + self.people
        numbers = ("sg",) if state["template"] == "own" else ("sg", "pl")
        options = []
        for noun, p_noun in self._noun_probs(nouns, state["topic"]):
            for number in numbers:
                p_num = 1.0 if len(numbers) == 1 else (P_PLURAL if number == "pl" else 1 - P_PLURAL)
                form = noun if number == "sg" else plural(noun)
                new = dict(state, noun=noun, number=number)
                for det, p_det in determiners(number):
                    p = p_noun * p_num * p_det
                    options.append(((det, form), p * (1 - P_ADJECTIVE), new))
                    for adj, p_adj in self._weights[("adjective", state["template"])]:
                        options.append(((det, adj, form), p * P_ADJECTIVE * p_adj, new))
        return options

    def _verb(self, state):
        options = []
        for lemma, p in self._weights[("verb", state["template"])]:
            form = lemma if state["number"] == "sg" else lx.VERBS[state["template"]][lemma]
            options.append(((form,), p, state))
        return options

    def _object_eat(self, state):
        eater = state["noun"] if state["noun"] in lx.ANIMALS else "person"
        return [((det, food), p_det * p, state)
                for det, p_det in (("the", 0.7), ("some", 0.3))
                for food, p in self._weights[("food", eater)]]

    def _object_go(self, state):
        kind = "animal" if state["noun"] in lx.ANIMALS else "person"
        return [(("to", "the", place), p, state) for place, p in self._weights[("place", kind, state["topic"])]]

    def _object_use(self, state):
        return [((det, tool), p_det * p, state)
                for det, p_det in determiners("sg") for tool, p in self._weights[("tool", state["noun"])]]

    def _object_see(self, state):
        options = []
        for noun, p_noun in self._noun_probs(self.animals, state["topic"]):
            for number, p_num in (("sg", 1 - P_PLURAL), ("pl", P_PLURAL)):
                form = noun if number == "sg" else plural(noun)
                options += [((det, form), p_noun * p_num * p_det, state) for det, p_det in determiners(number)]
        return options

    def _object_own(self, state):
        favoured = 0.5 * (1 + self.pronoun_bias)
        p_his = favoured if state["noun"] in lx.HIS_JOBS else 1 - favoured
        return [((pronoun, tool), p_pro * p, state)
                for pronoun, p_pro in (("his", p_his), ("her", 1 - p_his))
                for tool, p in self._weights[("tool", state["noun"])] if p_pro > 0]

    def _noun_probs(self, nouns, topic):
        base = dict(self._weights["noun"])
        raw = [base[n] * (TOPIC_BOOST if n in lx.TOPIC_NOUNS[topic] else 1.0) for n in nouns]
        total = sum(raw)
        return [(n, r / total) for n, r in zip(nouns, raw)]

    # ---- sampling: walk the slots with random choices
    def sample(self, n, *, rng, return_topics=False):
        """Draw ``n`` sentences.

        Parameters
        ----------
        n : int
            Number of sentences.
        rng : numpy.random.Generator
        return_topics : bool
            Also return each sentence's topic (a string of ``self.topics``).

        Returns
        -------
        list of list of str, or (sentences, topics)
        """
        n = check_int(n, "n", minimum=1)
        check_rng(rng)
        templates, p_templates = list(TEMPLATES), np.cumsum(list(TEMPLATES.values()))
        sentences, topics = [], []
        for _ in range(n):
            topic = self.topics[rng.integers(len(self.topics))]
            template = templates[np.searchsorted(p_templates, rng.random() * p_templates[-1], side="right")]
            state, words = {"topic": topic, "template": template}, []
            for slot in self._slots(template):
                choices, _, cumulative = self._options(slot, state)
                chosen, _, state = choices[np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right")]
                words += chosen
            sentences.append(words)
            topics.append(topic)
        return (sentences, topics) if return_topics else sentences

    def _options(self, slot, state):
        """A slot's options (words, ids, next state) and their probabilities, made once per state."""
        key = (slot.__name__, *sorted(state.items()))
        if key not in self._option_cache:
            options = slot(state)
            index = self.vocabulary.index
            choices = [(w, tuple(index[x] for x in w), st) for w, _, st in options]
            probs = np.array([p for _, p, _ in options])
            self._option_cache[key] = (choices, probs, np.cumsum(probs))
        return self._option_cache[key]

    # ---- enumeration: walk every choice
    def derivations(self):
        """Yield every way to make a sentence: (topic, words, probability)."""
        for topic in self.topics:
            for template, p_template in TEMPLATES.items():
                start = {"topic": topic, "template": template}
                yield from self._expand(self._slots(template), start, (), p_template / len(self.topics), topic)

    def _expand(self, slots, state, words, prob, topic):
        if not slots:
            yield topic, words, prob
            return
        for chosen, p, new_state in slots[0](state):
            yield from self._expand(slots[1:], new_state, words + chosen, prob * p, topic)

    @property
    def table(self):
        """Every sentence with its probability, grouped by length (built once, then cached).

        Returns
        -------
        dict
            length L -> (ids int64 (S, L), joint probability of each topic (S, T)).
        """
        return _cached_table(self.size, self.seed, self.pronoun_bias)

    def _build_table(self):
        """Walk every choice slot by slot (breadth first), then merge equal sentences."""
        derivations = []
        for t, topic in enumerate(self.topics):
            for template, p_template in TEMPLATES.items():
                frontier = [((), p_template / len(self.topics), {"topic": topic, "template": template})]
                for slot in self._slots(template):
                    frontier = [(done + more, p * q, new) for done, p, state in frontier
                                for (_, more, new), q in zip(*self._options(slot, state)[:2])]
                derivations += [(done, t, p) for done, p, _ in frontier]
        return build_table(derivations, len(self.topics), len(self.vocab))

    # ---- exact answers
    def posterior(self, words, position):
        """Exact probability of each vocabulary word at a hidden position.

        Parameters
        ----------
        words : list of str
            A sentence; hidden words are ``sc.data.MASK``. Other hidden words are summed over.
        position : int
            The hidden position to predict; ``words[position]`` must be ``MASK``.

        Returns
        -------
        ndarray of float64, shape (V,)
            Sums to 1; zero for words that cannot stand there.
        """
        rows, joint = self._matching_rows(words, position)
        probs = np.bincount(rows[:, position], weights=joint.sum(axis=1), minlength=len(self.vocab))
        return probs / probs.sum()

    def topic_posterior(self, words):
        """Exact probability of each topic given a sentence (hidden words allowed)."""
        _, joint = self._matching_rows(words, None)
        total = joint.sum(axis=0)
        return total / total.sum()

    def probability(self, words):
        """Probability that the language makes exactly this sentence (no hidden words)."""
        words = list(words)
        if words and len(words) not in self.table and all(w in self.vocabulary.index for w in words):
            return 0.0  # a length the language never makes
        ids = self._check_words(words, None)
        rows, joint = self.table[len(words)]
        return float(joint[(rows == ids).all(axis=1)].sum())

    def makes(self, words):
        """True if the language makes this very sentence (a list of its words); False for an empty one."""
        words = list(words)
        return bool(words) and self.probability(words) > 0

    def _matching_rows(self, words, position):
        words = list(words)
        return matching_rows(self, self._check_words(words, position), words)

    def _check_words(self, words, position):
        if not words or isinstance(words, str) or not all(isinstance(w, str) for w in words):
            raise TypeError(f"words must be a non-empty list of str (use sc.data.MASK for hidden words), got {words!r}.")
        unknown = [w for w in words if w != MASK and w not in self.vocabulary.index]
        if unknown:
            raise ValueError(f"words holds {unknown[0]!r}, which is not in the vocabulary: check its spelling in .vocab.")
        if len(words) not in self.table:
            raise ValueError(
                f"words has {len(words)} words, but the language only makes sentences of "
                f"{sorted(self.table)} words."
            )
        if position is not None:
            if isinstance(position, bool) or not isinstance(position, (int, np.integer)):
                raise TypeError(f"position must be an int, got {type(position).__name__}.")
            if not -len(words) <= position < len(words):
                raise ValueError(f"position must be in [0, {len(words)}) for a sentence of {len(words)} words, got {position}.")
            if words[position] != MASK:
                raise ValueError(
                    f"position {position} must point at a hidden word, but words[{position}] is "
                    f"{words[position]!r}. Replace it with sc.data.MASK first."
                )
        return np.array([self.vocabulary.index.get(w, self.vocabulary.mask_id) for w in words])

    def encode(self, sentences, *, length=None):
        """Sentences -> ids (N, L), padded with ``PAD``; see ``Vocabulary.encode``."""
        return self.vocabulary.encode(sentences, length=length)

    def decode(self, ids):
        """ids (N, L) or (L,) -> sentences, padding dropped."""
        return self.vocabulary.decode(ids)

    @property
    def max_length(self):
        """L, the length of the longest sentence the language makes."""
        return max(self.table)


@functools.lru_cache(maxsize=8)
def _cached_table(size, seed, pronoun_bias):
    return ToyLanguage(size, seed=seed, pronoun_bias=pronoun_bias)._build_table()
