"""Analysis tools: convolution arithmetic, receptive fields, parameter and FLOP counts, latency, memory."""
from cvbook.analysis.complexity import count_flops, count_params
from cvbook.analysis.conv_arith import conv_flops, conv_output_size, conv_params, conv_transpose_output_size
from cvbook.analysis.empirical_rf import (
    EmpiricalRF,
    effective_receptive_field,
    empirical_receptive_field,
    positive_geometry_copy,
)
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
    "count_params",
    "effective_receptive_field",
    "empirical_receptive_field",
    "input_shape_for",
    "measure_latency",
    "positive_geometry_copy",
    "receptive_field",
    "saved_activation_bytes",
]
