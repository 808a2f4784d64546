"""Convolution variants as layers: locally connected, group (by hand), depthwise separable (one class),
add-vs-concat tied kernels, octave, selective kernel (SK), self-calibrated (SC), strip pooling, IGC.

Taught in: notebooks/01_cnn_basics/09_group_and_depthwise.ipynb and notebooks/04_architectures/08_block_zoo.ipynb
"""
from cvbook.nn.conv.group import group_conv_by_split
from cvbook.nn.conv.igc import InterleavedGroupConv
from cvbook.nn.conv.local import LocallyConnected2d
from cvbook.nn.conv.octave import OctaveConv
from cvbook.nn.conv.selective_kernel import SKConv
from cvbook.nn.conv.self_calibrated import SCConv
from cvbook.nn.conv.separable import DepthwiseSeparableConv2d, separable_cost_ratio
from cvbook.nn.conv.strip_pooling import StripPooling
from cvbook.nn.conv.tied import tied_concat_conv

__all__ = ["DepthwiseSeparableConv2d", "InterleavedGroupConv", "LocallyConnected2d", "OctaveConv", "SCConv", "SKConv",
           "StripPooling", "group_conv_by_split", "separable_cost_ratio",
           "tied_concat_conv"]
