"""Neural networks in numpy, by hand: layers, gradient checks, optimisers."""
from . import layers, gradcheck, optim
from .training import History, train  # also loads .models (ContextModel, Encoder)
