"""Explorers to play with in JupyterLab: hide words or pixels and watch a model fill them in.

Each explorer keeps its logic in a small state class (plain Python, tested without a browser)
and wraps ipywidgets around it. In JupyterLab it is a live widget; where nothing draws widgets
(nbval, a plain console, a static page) it shows a short text summary of its state instead,
the same text on every run::

    explorer = sc.widgets.MaskedWordExplorer(language, sc.widgets.counts_predictor(counts, language))
    explorer                                   # the last line of a cell shows it
"""
from .image_explorer import ImageMaskExplorer, ImageMaskState, neighbour_fill, panels_png
from .word_explorer import (MaskedWordExplorer, MaskedWordState, counts_predictor, logits_predictor,
                            top_words)

__all__ = [
    "ImageMaskExplorer", "ImageMaskState", "MaskedWordExplorer", "MaskedWordState", "counts_predictor",
    "logits_predictor", "neighbour_fill", "panels_png", "top_words",
]
