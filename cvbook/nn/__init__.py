"""Parameterised layers written from scratch, each checked against torch in the tests; no training code.

- :mod:`cvbook.nn.conv`: locally connected, group, depthwise separable, octave, SK, SC, strip pooling, IGC;
- :mod:`cvbook.nn.norm`: BN with a hand-derived backward, LN, IN, GN, WN, SN, FRN, SyncBN, MABN, ``get_norm``;
- :mod:`cvbook.nn.act`: activations with their derivatives, ``get_act``;
- :mod:`cvbook.nn.blocks`: conv-BN-act, SE, channel shuffle, inverted residual, FPN, ASPP, stacks;
- :mod:`cvbook.nn.losses`: cross-entropy family, hinge, detector and metric-learning losses;
- this package's modules: inverted dropout (``dropout``), initialisation (``init``), the from-scratch MLP
  with hand-written backward (``mlp``).

Stateless ops (pooling and convolution as a matrix with their backward passes, boxes, NMS) are in
:mod:`cvbook.ops`. The layer names mirror ``torch.nn`` on purpose, so that a layer here can replace
torch's in a model; import them by name (``from cvbook.nn import BatchNorm2d``), not with ``*``.
"""
from cvbook.nn.act import ACT_LAYERS, ACTIVATIONS, derivative, elu, gelu, get_act, leaky_relu, prelu, relu, rrelu, sigmoid, silu, tanh
from cvbook.nn.blocks import (
    ChannelShuffle,
    ConvBNAct,
    InvertedResidual,
    SqueezeExcite,
    channel_shuffle,
    conv_stack,
    make_divisible,
)
from cvbook.nn.conv import (
    DepthwiseSeparableConv2d,
    InterleavedGroupConv,
    LocallyConnected2d,
    OctaveConv,
    SCConv,
    SKConv,
    StripPooling,
    group_conv_by_split,
    separable_cost_ratio,
    tied_concat_conv,
)
from cvbook.nn.dropout import Dropout, inverted_dropout
from cvbook.nn.init import (
    calculate_gain,
    fans,
    kaiming_normal_,
    kaiming_std,
    kaiming_uniform_,
    LayerStatistics,
    layer_statistics,
    xavier_normal_,
    xavier_std,
    xavier_uniform_,
)
from cvbook.nn.losses import cross_entropy, log_softmax, logsumexp, multiclass_hinge, naive_cross_entropy
from cvbook.nn.mlp import ScratchMLP, linear_backward, relu_backward, softmax_cross_entropy_backward
from cvbook.nn.norm import (
    FRN,
    NORM_KINDS,
    BatchNorm1d,
    BatchNorm2d,
    BatchNormFunction,
    GroupNorm,
    InstanceNorm2d,
    LayerNorm,
    MovingAverageBatchNorm2d,
    NoisyBatchNorm2d,
    SwitchNorm2d,
    SyncBatchNorm2d,
    SyncBatchNormFunction,
    WeightNormConv2d,
    WeightNormLinear,
    batch_norm,
    batch_norm_backward_staged,
    convert_batchnorm,
    filter_response_norm,
    get_norm,
    group_norm,
    instance_norm,
    layer_norm,
)
from cvbook.ops.pooling import AvgPool2d, MaxPool2d  # the layer forms of cvbook.ops' pooling, torch.nn's names

__all__ = [
    # act
    "ACTIVATIONS", "ACT_LAYERS", "derivative", "elu", "gelu", "get_act", "leaky_relu", "prelu", "relu", "rrelu",
    "sigmoid", "silu", "tanh",
    # blocks
    "ChannelShuffle", "ConvBNAct", "InvertedResidual", "SqueezeExcite", "channel_shuffle", "conv_stack",
    "make_divisible",
    # conv
    "DepthwiseSeparableConv2d", "InterleavedGroupConv", "LocallyConnected2d", "OctaveConv", "SCConv", "SKConv",
    "StripPooling", "group_conv_by_split", "separable_cost_ratio", "tied_concat_conv",
    # dropout, init, mlp
    "Dropout", "inverted_dropout",
    "calculate_gain", "fans", "kaiming_normal_", "kaiming_std", "kaiming_uniform_", "LayerStatistics", "layer_statistics",
    "xavier_normal_", "xavier_std", "xavier_uniform_",
    "ScratchMLP", "linear_backward", "relu_backward", "softmax_cross_entropy_backward",
    # losses (the chapter-3 ones; the rest by cvbook.nn.losses)
    "cross_entropy", "log_softmax", "logsumexp", "multiclass_hinge", "naive_cross_entropy",
    # norm
    "BatchNorm1d", "BatchNorm2d", "BatchNormFunction", "FRN", "GroupNorm", "InstanceNorm2d", "LayerNorm",
    "MovingAverageBatchNorm2d", "NORM_KINDS", "NoisyBatchNorm2d", "SwitchNorm2d", "SyncBatchNorm2d",
    "SyncBatchNormFunction", "WeightNormConv2d", "WeightNormLinear", "batch_norm", "batch_norm_backward_staged",
    "convert_batchnorm", "filter_response_norm", "get_norm", "group_norm", "instance_norm", "layer_norm",
    # pooling layers
    "AvgPool2d", "MaxPool2d",
]
from cvbook.nn.noise import GaussianNoise, gaussian_noise

__all__ += ["GaussianNoise", "gaussian_noise"]
# chapter 8: filter pruning by norm
from cvbook.nn.prune import filter_norms, filter_prune_mask, kept_filters, remove_filters  # noqa: E402

__all__ += ["filter_norms", "filter_prune_mask", "kept_filters", "remove_filters"]
