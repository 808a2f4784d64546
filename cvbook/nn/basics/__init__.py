"""Chapter 3 building blocks written from scratch: backprop, activations, dropout, losses,
initialisation and norm penalties. Taught in: notebooks/03_optimization/01_backprop.ipynb"""
from cvbook.nn.basics.activations import (
    ACTIVATIONS,
    derivative,
    elu,
    gelu,
    leaky_relu,
    prelu,
    relu,
    rrelu,
    sigmoid,
    silu,
    tanh,
)
from cvbook.nn.basics.dropout import Dropout, inverted_dropout
from cvbook.nn.basics.init import (
    calculate_gain,
    fans,
    kaiming_normal_,
    kaiming_std,
    kaiming_uniform_,
    layer_statistics,
    xavier_normal_,
    xavier_std,
    xavier_uniform_,
)
from cvbook.nn.basics.losses import (
    cross_entropy,
    log_softmax,
    logsumexp,
    multiclass_hinge,
    naive_cross_entropy,
    sigmoid_ce_logit_grad,
    sigmoid_mse_logit_grad,
)
from cvbook.nn.basics.mlp import ScratchMLP, linear_backward, relu_backward, softmax_cross_entropy_backward
from cvbook.nn.basics.regularization import l1_penalty, l2_penalty, soft_threshold

__all__ = [
    "ACTIVATIONS", "derivative", "elu", "gelu", "leaky_relu", "prelu", "relu", "rrelu", "sigmoid", "silu",
    "tanh",
    "Dropout", "inverted_dropout",
    "calculate_gain", "fans", "kaiming_normal_", "kaiming_std", "kaiming_uniform_", "layer_statistics",
    "xavier_normal_", "xavier_std", "xavier_uniform_",
    "cross_entropy", "log_softmax", "logsumexp", "multiclass_hinge", "naive_cross_entropy",
    "sigmoid_ce_logit_grad", "sigmoid_mse_logit_grad",
    "ScratchMLP", "linear_backward", "relu_backward", "softmax_cross_entropy_backward",
    "l1_penalty", "l2_penalty", "soft_threshold",
]
