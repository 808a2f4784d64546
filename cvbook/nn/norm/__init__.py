"""Normalisation layers written from scratch (chapter 2): BN with a hand-derived backward, LN, IN, GN,
WN, Switchable Norm, FRN+TLU, moving-average BN, noisy BN, synchronised BN, and a ``get_norm`` factory.

Layers only: the chapter's training runs live in :mod:`cvbook.train.recipes` and
:mod:`cvbook.experiments.ch02_batchnorm`, its measurements in :mod:`cvbook.analysis`.
"""
from cvbook.nn.norm.batchnorm import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNormFunction,
    BatchNormStages,
    batch_norm,
    batch_norm_backward_staged,
    convert_batchnorm,
)
from cvbook.nn.norm.factory import NORM_KINDS, get_norm
from cvbook.nn.norm.frn import FRN, filter_response_norm
from cvbook.nn.norm.groupnorm import GroupNorm, group_norm
from cvbook.nn.norm.instancenorm import InstanceNorm2d, instance_norm
from cvbook.nn.norm.layernorm import LayerNorm, layer_norm
from cvbook.nn.norm.moving_average_bn import MovingAverageBatchNorm2d
from cvbook.nn.norm.noisy import NoisyBatchNorm2d
from cvbook.nn.norm.switchable import SwitchNorm2d
from cvbook.nn.norm.sync import SyncBatchNorm2d, SyncBatchNormFunction
from cvbook.nn.norm.weightnorm import WeightNormConv2d, WeightNormLinear, weight_norm_weight

__all__ = [
    "BatchNorm1d", "BatchNorm2d", "BatchNormFunction", "BatchNormStages", "FRN", "GroupNorm", "InstanceNorm2d", "LayerNorm",
    "MovingAverageBatchNorm2d", "NORM_KINDS", "NoisyBatchNorm2d", "SwitchNorm2d", "SyncBatchNorm2d",
    "SyncBatchNormFunction", "WeightNormConv2d", "WeightNormLinear", "batch_norm", "batch_norm_backward_staged",
    "convert_batchnorm", "filter_response_norm", "get_norm", "group_norm", "instance_norm", "layer_norm",
    "weight_norm_weight",
]
