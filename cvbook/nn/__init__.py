"""Layers written from scratch, each checked against torch in the tests.

Chapter 1: pooling with hand-written backward passes, convolution as a matrix, group and depthwise
separable convolution, add-versus-concat fusion. Later chapters add normalisation layers and blocks.
"""
from cvbook.nn.conv_matrix import conv2d_matrix, conv_transpose2d_by_matrix
from cvbook.nn.conv_variants import DepthwiseSeparableConv2d, group_conv_by_split, separable_cost_ratio, tied_concat_conv
from cvbook.nn.local import LocallyConnected2d
from cvbook.nn.pooling import AvgPool2d, MaxPool2d, avg_pool2d, max_pool2d, max_pool2d_with_indices

__all__ = [
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
