"""The course's data: the toy language, your own text files, and the digits images."""
from .bayes import BayesLimit, bayes_limit, bayes_posteriors
from .describe import meaning_table, rules_table, words_table
from .digits import load_digits, load_moving_digits, place_digits
from .text import TextCorpus, load_text, sample_text_path
from .toy_language import ToyLanguage
from .vocabulary import MASK, PAD, UNK, Vocabulary, tokenize

__all__ = [
    "MASK", "PAD", "UNK", "BayesLimit", "TextCorpus", "ToyLanguage", "Vocabulary",
    "bayes_limit", "bayes_posteriors", "load_digits", "load_moving_digits", "load_text", "meaning_table", "rules_table",
    "place_digits", "sample_text_path", "tokenize", "words_table",
]
