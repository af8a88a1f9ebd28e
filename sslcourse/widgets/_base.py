"""What every explorer shares: a live widget in JupyterLab, a text summary everywhere else."""
from __future__ import annotations

import html


class Explorer:
    """Base of the explorers: ``self.widget`` is drawn where widgets are, ``summary()`` elsewhere.

    Subclasses set ``self.widget`` (the whole box) and ``self.text`` (an ``HTML`` widget showing
    the summary) and define ``summary()``.
    """

    def _show(self, text):
        self.text.value = f"<pre class='sslcourse-summary'>{html.escape(text)}</pre>"

    def __repr__(self):
        return self.summary()

    def _repr_mimebundle_(self, **kwargs):
        # JupyterLab draws the widget-view; nbval, consoles and static pages read text/plain
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        return {**bundle, "text/plain": self.summary()}
