"""Activations written from their formulas, with their derivatives, and a ``get_act`` layer factory.

Taught in: notebooks/03_optimization/07_activations.ipynb
"""
from cvbook.nn.act.activations import (ACTIVATIONS, derivative, elu, gelu, leaky_relu, prelu, relu, rrelu,
                                       sigmoid, silu, tanh)
from cvbook.nn.act.factory import ACT_LAYERS, get_act

__all__ = ["ACTIVATIONS", "ACT_LAYERS", "derivative", "elu", "gelu", "get_act", "leaky_relu", "prelu", "relu",
           "rrelu", "sigmoid", "silu", "tanh"]
