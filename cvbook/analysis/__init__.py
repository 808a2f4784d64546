"""Measuring a model: convolution arithmetic, receptive fields, what depth can express, parameter and FLOP counts (by stage and by
layer type), latency, memory, gradient flow, loss-landscape probes."""
from cvbook.analysis.complexity import count_flops, count_params
from cvbook.analysis.costs import LayerTypeCost, StageCost, costs_by_layer_type, layer_type, stage_costs
from cvbook.analysis.conv_arith import conv_flops, conv_output_size, conv_params, conv_transpose_output_size
from cvbook.analysis.empirical_rf import (
    EmpiricalRF,
    effective_receptive_field,
    empirical_receptive_field,
    positive_geometry_copy,
)
from cvbook.analysis.expressivity import count_linear_pieces, sawtooth_mlp
from cvbook.analysis.gradflow import GradientFlow, gradient_flow, weight_grad_norms
from cvbook.analysis.landscape import LandscapeProbe, ProbeTrace, probe_along_gradient, train_with_probes
from cvbook.analysis.latency import Latency, measure_latency
from cvbook.analysis.memory import cuda_peak_memory, saved_activation_bytes
from cvbook.analysis.receptive_field import LayerRF, input_shape_for, receptive_field

__all__ = [
    "EmpiricalRF",
    "Latency",
    "LayerRF",
    "conv_flops",
    "conv_output_size",
    "conv_params",
    "conv_transpose_output_size",
    "cuda_peak_memory",
    "count_flops",
    "count_linear_pieces",
    "count_params",
    "effective_receptive_field",
    "empirical_receptive_field",
    "input_shape_for",
    "measure_latency",
    "positive_geometry_copy",
    "receptive_field",
    "saved_activation_bytes",
    "sawtooth_mlp",
    "GradientFlow", "LandscapeProbe", "LayerTypeCost", "ProbeTrace", "StageCost", "costs_by_layer_type", "gradient_flow", "layer_type",
    "probe_along_gradient", "stage_costs", "train_with_probes", "weight_grad_norms",
]
