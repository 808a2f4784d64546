"""Building blocks shared by the architectures of chapter 4 (``cvbook.models``)."""
from cvbook.nn.blocks.conv import ConvBNAct, make_divisible
from cvbook.nn.blocks.fpn import FeaturePyramidNetwork
from cvbook.nn.blocks.inverted_residual import InvertedResidual
from cvbook.nn.blocks.separable import DepthwiseSeparableConv
from cvbook.nn.blocks.shuffle import ChannelShuffle, channel_shuffle
from cvbook.nn.blocks.squeeze_excite import SqueezeExcite
from cvbook.nn.blocks.aspp import ASPP, ASPPConv, ASPPPooling, SegHead  # noqa: E402  (chapter 6)
from cvbook.nn.blocks.stacks import conv_stack

__all__ = [
    "ChannelShuffle",
    "ConvBNAct",
    "DepthwiseSeparableConv",
    "FeaturePyramidNetwork",
    "InvertedResidual",
    "SqueezeExcite",
    "channel_shuffle",
    "conv_stack",
    "make_divisible",
]
__all__ += ["ASPP", "ASPPConv", "ASPPPooling", "SegHead"]  # chapter 6
