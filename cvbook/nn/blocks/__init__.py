"""Building blocks shared by the architectures of chapter 4 (``cvbook.models``)."""
from cvbook.nn.blocks.conv import ConvBNAct, make_divisible
from cvbook.nn.blocks.inverted_residual import InvertedResidual
from cvbook.nn.blocks.separable import DepthwiseSeparableConv
from cvbook.nn.blocks.shuffle import ChannelShuffle, channel_shuffle
from cvbook.nn.blocks.squeeze_excite import SqueezeExcite

__all__ = [
    "ChannelShuffle",
    "ConvBNAct",
    "DepthwiseSeparableConv",
    "InvertedResidual",
    "SqueezeExcite",
    "channel_shuffle",
    "make_divisible",
]
