"""Training sentences in bulk: ``sample_ids`` draws rows of the toy language's table (it lives in
``sc.data.table``, with the table; here for ``sc.train.sample_ids``)."""
from ..data.table import sample_ids

__all__ = ["sample_ids"]
