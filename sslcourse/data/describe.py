"""The toy language's rules as Markdown tables a learner can read."""
from __future__ import annotations

from . import lexicon as lx
from .toy_language import P_ADJECTIVE, P_PLURAL, TEMPLATES


def words_table(language):
    """Markdown: each category and its words."""
    by_category = {}
    for word, category in language.categories.items():
        by_category.setdefault(category, []).append(word)
    lines = ["| category | words |", "|---|---|"]
    lines += [f"| {cat} ({len(ws)}) | {', '.join(ws)} |" for cat, ws in by_category.items()]
    return "\n".join(lines)


def rules_table(language):
    """Markdown: the kinds of sentence, their shape, share and an example."""
    shapes = {
        "eat": ("subject · eats/likes/wants · the/some · food", "some cows eat the hay"),
        "go": ("subject · walks/runs/goes · to the · place", "the nurse walks to the hospital"),
        "use": ("person · uses/holds/needs · the/a · tool", "a chef uses the knife"),
        "see": ("subject · sees/watches/follows · the/a/some · animal", "the cat watches some mice"),
        "own": ("one person · cleans/finds/loses · his/her · tool", "the farmer finds his rope"),
    }
    lines = ["| kind | shape | share of sentences | example |", "|---|---|---|---|"]
    lines += [f"| {k} | {shapes[k][0]} | {p:.0%} | *{shapes[k][1]}* |" for k, p in TEMPLATES.items()]
    lines += ["", f"A subject is *determiner · (adjective) · noun*: singular *the/a*, plural *the/some*; "
              f"{P_PLURAL:.0%} of subjects are plural and the verb agrees with them; "
              f"{P_ADJECTIVE:.0%} have an adjective. Each sentence has a topic ({', '.join(lx.TOPICS)}) "
              "that makes some nouns and places likelier."]
    return "\n".join(lines)


def meaning_table(language):
    """Markdown: who eats what and who uses what (the meaning a model must discover)."""
    lines = ["| who | eats | uses |", "|---|---|---|"]
    for noun in language.animals:
        lines.append(f"| {noun} | {', '.join(lx.EATS[noun])} | |")
    for job in language.people:
        lines.append(f"| {job} | {', '.join(lx.EATS['person'])} | {', '.join(lx.USES[job])} |")
    return "\n".join(lines)
