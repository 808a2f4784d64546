"""Building blocks shared by the architectures (``cvbook.models``): conv-BN-act, SE, channel shuffle,
inverted residual, FPN, ASPP, conv stacks."""
from cvbook.nn.blocks.conv import ConvBNAct, make_divisible
from cvbook.nn.blocks.fpn import FeaturePyramidNetwork
from cvbook.nn.blocks.global_context import GlobalContextBlock
from cvbook.nn.blocks.inverted_residual import InvertedResidual
from cvbook.nn.blocks.non_local import NonLocalBlock
from cvbook.nn.blocks.shuffle import ChannelShuffle, channel_shuffle
from cvbook.nn.blocks.squeeze_excite import SqueezeExcite
from cvbook.nn.blocks.aspp import ASPP, ASPPConv, ASPPPooling, SegHead  # noqa: E402  (chapter 6)
from cvbook.nn.blocks.square_pooling import SquarePooling, square_pool  # noqa: E402  (chapter 6)
from cvbook.nn.blocks.stacks import conv_stack

__all__ = [
    "ChannelShuffle",
    "ConvBNAct",
    "FeaturePyramidNetwork",
    "GlobalContextBlock",
    "InvertedResidual",
    "NonLocalBlock",
    "SqueezeExcite",
    "channel_shuffle",
    "conv_stack",
    "make_divisible",
]
__all__ += ["ASPP", "ASPPConv", "ASPPPooling", "SegHead"]  # chapter 6
__all__ += ["SquarePooling", "square_pool"]  # chapter 6
