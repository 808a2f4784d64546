"""Layers written from scratch, each checked against torch in the tests.

- chapter 1 (this package's modules): pooling with hand-written backward passes, convolution as a
  matrix, locally connected layers, group and depthwise separable convolution, add-versus-concat fusion;
- chapter 2 (:mod:`cvbook.nn.norm`): batch normalization with a hand-derived backward pass, and the
  other normalization layers. Their experiment helpers stay in :mod:`cvbook.nn.norm`;
- chapter 3 (:mod:`cvbook.nn.basics`): backpropagation of an MLP, activations, inverted dropout,
  losses, initialisation and norm penalties, each written out (imported from that subpackage);
- chapter 4 (:mod:`cvbook.nn.blocks`): building blocks shared by the architectures (conv-BN-act,
  squeeze-and-excitation, channel shuffle, MobileNet units).

The layer names mirror ``torch.nn`` on purpose, so that a layer here can replace torch's in a model;
import them by name (``from cvbook.nn import BatchNorm2d``), not with ``*``.
"""
from cvbook.nn.blocks import (
    ChannelShuffle,
    ConvBNAct,
    DepthwiseSeparableConv,
    InvertedResidual,
    SqueezeExcite,
    channel_shuffle,
    make_divisible,
)
from cvbook.nn.conv_matrix import conv2d_matrix, conv_transpose2d_by_matrix
from cvbook.nn.conv_variants import DepthwiseSeparableConv2d, group_conv_by_split, separable_cost_ratio, tied_concat_conv
from cvbook.nn.local import LocallyConnected2d
from cvbook.nn.norm import (
    FRN,
    BatchNorm1d,
    BatchNorm2d,
    GroupNorm,
    InstanceNorm2d,
    LayerNorm,
    MovingAverageBatchNorm2d,
    SwitchNorm2d,
    SyncBatchNorm2d,
    WeightNormConv2d,
    WeightNormLinear,
    batch_norm,
    convert_batchnorm,
    filter_response_norm,
    group_norm,
    instance_norm,
    layer_norm,
)
from cvbook.nn.pooling import AvgPool2d, MaxPool2d, avg_pool2d, max_pool2d, max_pool2d_with_indices

__all__ = [
    # chapter 2: normalization
    "BatchNorm1d",
    "BatchNorm2d",
    "FRN",
    "GroupNorm",
    "InstanceNorm2d",
    "LayerNorm",
    "MovingAverageBatchNorm2d",
    "SwitchNorm2d",
    "SyncBatchNorm2d",
    "WeightNormConv2d",
    "WeightNormLinear",
    "batch_norm",
    "convert_batchnorm",
    "filter_response_norm",
    "group_norm",
    "instance_norm",
    "layer_norm",
    # chapter 4: blocks
    "ChannelShuffle",
    "ConvBNAct",
    "DepthwiseSeparableConv",
    "InvertedResidual",
    "SqueezeExcite",
    "channel_shuffle",
    "make_divisible",
    # chapter 1
    "AvgPool2d",
    "DepthwiseSeparableConv2d",
    "LocallyConnected2d",
    "MaxPool2d",
    "avg_pool2d",
    "conv2d_matrix",
    "conv_transpose2d_by_matrix",
    "group_conv_by_split",
    "max_pool2d",
    "max_pool2d_with_indices",
    "separable_cost_ratio",
    "tied_concat_conv",
]
