"""Optimisers, learning-rate schedules (one warm-up + cosine) and norm penalties, written from the formulas (chapter 3).

Every optimiser here is a ``torch.optim.Optimizer`` with the same name and constructor arguments as
its ``torch.optim`` counterpart and the same iterates (tests/optim checks 100 steps to 1e-6);
:class:`AdaBound` has no counterpart; :class:`ClassicalMomentumSGD` is the diary's momentum convention.
Taught in: notebooks/03_optimization/02_gd_variants.ipynb
"""
from cvbook.optim.adabound import AdaBound, adabound_bounds
from cvbook.optim.adadelta import Adadelta
from cvbook.optim.adagrad import Adagrad
from cvbook.optim.adam import Adam, AdamW
from cvbook.optim.adamax import Adamax
from cvbook.optim.functions import (
    TEST_FUNCTIONS,
    TestFunction,
    ill_conditioned_quadratic,
    rosenbrock,
    saddle,
    trajectory,
)
from cvbook.optim.nadam import NAdam
from cvbook.optim.penalties import l1_penalty, l2_penalty, soft_threshold
from cvbook.optim.rmsprop import RMSprop
from cvbook.optim.scheduled import scheduled_trajectory
from cvbook.optim.schedules import (
    CosineAnnealingLR,
    ExponentialLR,
    MultiStepLR,
    OneCycleLR,
    StepLR,
    WarmupCosineLR,
    lr_trace,
)
from cvbook.optim.sgd import SGD, ClassicalMomentumSGD
from cvbook.optim.warmup import WARMUP_KINDS, warmup_factor, warmup_lambda

__all__ = [
    "SGD", "ClassicalMomentumSGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Adamax",
    "NAdam", "AdaBound", "adabound_bounds",
    "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "WarmupCosineLR", "OneCycleLR",
    "lr_trace",
    "TestFunction", "TEST_FUNCTIONS", "ill_conditioned_quadratic", "rosenbrock", "saddle", "trajectory",
    "scheduled_trajectory",
    "WARMUP_KINDS", "warmup_factor", "warmup_lambda",
    "l1_penalty", "l2_penalty", "soft_threshold",
]
# chapter 8: the groupable penalty (block-diagonal weights -> group convolution)
from cvbook.optim.groupable import (groupable_penalty, groupable_prox_, groupable_weights,  # noqa: E402
                                    off_block_fraction, to_group_conv)

__all__ += ["groupable_penalty", "groupable_prox_", "groupable_weights", "off_block_fraction", "to_group_conv"]
