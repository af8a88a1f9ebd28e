"""Neural networks in PyTorch: twins of ``sc.nn_numpy`` and a transformer encoder."""
from . import layers, masking, models, transformer
from .models import ContextModel, Encoder, twin
from .transformer import EncoderConfig, TransformerEncoder
