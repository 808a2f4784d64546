"""Normalisation layers written from scratch (chapter 2): BN with a hand-derived backward, LN, IN, GN,
WN, Switchable Norm, FRN+TLU, moving-average BN, synchronised BN, and the measurements of the chapter."""
from cvbook.nn.norm.batchnorm import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNormFunction,
    batch_norm,
    batch_norm_backward_staged,
    convert_batchnorm,
)
from cvbook.nn.norm.frn import FRN, filter_response_norm
from cvbook.nn.norm.gradflow import deep_sigmoid_mlp, gradient_flow
from cvbook.nn.norm.groupnorm import GroupNorm, group_norm
from cvbook.nn.norm.instancenorm import InstanceNorm2d, instance_norm
from cvbook.nn.norm.landscape import probe_along_gradient, train_with_probes
from cvbook.nn.norm.layernorm import LayerNorm, layer_norm
from cvbook.nn.norm.models import NORM_KINDS, make_norm, small_cnn
from cvbook.nn.norm.moving_average_bn import MovingAverageBatchNorm2d
from cvbook.nn.norm.noisy import NoisyBatchNorm2d
from cvbook.nn.norm.runs import downsample, train_and_evaluate
from cvbook.nn.norm.switchable import SwitchNorm2d
from cvbook.nn.norm.sync import SyncBatchNorm2d, SyncBatchNormFunction
from cvbook.nn.norm.sync_demo import compare_sync_bn, make_global_batch
from cvbook.nn.norm.warmup import WARMUP_KINDS, warmup_factor, warmup_lambda
from cvbook.nn.norm.weightnorm import WeightNormConv2d, WeightNormLinear, weight_norm_weight

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNormFunction",
    "FRN",
    "GroupNorm",
    "InstanceNorm2d",
    "LayerNorm",
    "MovingAverageBatchNorm2d",
    "NORM_KINDS",
    "NoisyBatchNorm2d",
    "SwitchNorm2d",
    "SyncBatchNorm2d",
    "SyncBatchNormFunction",
    "WARMUP_KINDS",
    "WeightNormConv2d",
    "WeightNormLinear",
    "batch_norm",
    "batch_norm_backward_staged",
    "compare_sync_bn",
    "convert_batchnorm",
    "deep_sigmoid_mlp",
    "downsample",
    "filter_response_norm",
    "gradient_flow",
    "group_norm",
    "instance_norm",
    "layer_norm",
    "make_global_batch",
    "make_norm",
    "probe_along_gradient",
    "small_cnn",
    "train_and_evaluate",
    "train_with_probes",
    "warmup_factor",
    "warmup_lambda",
    "weight_norm_weight",
]
