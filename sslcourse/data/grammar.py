"""The toy language's word categories and its preferences (which food a dog favours, ...).

``draw_weights`` makes one Dirichlet draw per choice of the generative process, in a fixed order,
from the language's seed; ``categories`` maps each word to its category, in the vocabulary's order.
"""
from __future__ import annotations

import numpy as np

from . import lexicon as lx

__all__ = ["categories", "determiners", "draw_weights", "plural"]

DIRICHLET_ALPHA = 1.5
TEMPLATES = {"eat": 0.3, "go": 0.25, "use": 0.15, "see": 0.2, "own": 0.1}


def plural(noun):
    return lx.ANIMALS.get(noun) or lx.PEOPLE[noun]


def determiners(number):
    return (("the", 0.7), ("a", 0.3)) if number == "sg" else (("the", 0.6), ("some", 0.4))


def draw_weights(animals, people, seed):
    """The language's preferences: one Dirichlet draw per choice, in a fixed order."""
    rng = np.random.default_rng(seed)

    def draw(items):
        return list(zip(items, rng.dirichlet(np.full(len(items), DIRICHLET_ALPHA))))

    weights = {"noun": draw(animals + people)}
    for template in TEMPLATES:
        weights[("verb", template)] = draw(list(lx.VERBS[template]))
        weights[("adjective", template)] = draw(lx.ADJECTIVES)
    for eater in animals + ["person"]:
        weights[("food", eater)] = draw(lx.EATS[eater])
    for job in people:
        weights[("tool", job)] = draw(lx.USES[job])
    for kind in ("animal", "person"):
        for topic in lx.TOPICS:
            weights[("place", kind, topic)] = draw(lx.PLACES[kind][topic])
    return weights


def categories(animals, people):
    """word -> category, in the vocabulary's order."""
    cats = {}
    for a in animals:
        cats[a] = cats[lx.ANIMALS[a]] = "animal"
    for p in people:
        cats[p] = cats[lx.PEOPLE[p]] = "person"
    eaters = animals + ["person"]
    for food in lx.FOODS:
        if any(food in lx.EATS[e] for e in eaters):
            cats[food] = "food"
    for tool in lx.TOOLS:
        if any(tool in lx.USES[j] for j in people):
            cats[tool] = "tool"
    places = {p for kind in lx.PLACES.values() for ps in kind.values() for p in ps}
    for place in sorted(places):
        cats[place] = "place"
    for template, forms in lx.VERBS.items():
        for sg, pl in forms.items():
            cats[sg] = "verb"
            if template != "own":  # "own" sentences have one owner: no plural verb
                cats[pl] = "verb"
    for adj in lx.ADJECTIVES:
        cats[adj] = "adjective"
    for w in ["the", "a", "some", "to", "his", "her"]:
        cats[w] = "function"
    return cats
