"""Neural networks in PyTorch: twins of ``sc.nn_numpy`` and a transformer encoder (lesson 04)."""
from . import checks, layers, masking, models, transformer
from .models import ContextModel, Encoder, twin
from .transformer import EncoderConfig, TransformerEncoder

__all__ = ["ContextModel", "Encoder", "EncoderConfig", "TransformerEncoder", "checks", "layers", "masking", "models",
           "transformer", "twin"]
