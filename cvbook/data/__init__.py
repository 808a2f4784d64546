"""Data: real loaders (MNIST, Fashion-MNIST, CIFAR-10), offline stand-ins, the small benchmarks, the IDX
format, and mixup; one record type (:class:`DataSplit`).

Every loader returns float images in ``[0, 1]`` shaped ``(N, C, H, W)`` with ``int64`` labels and
records what it used with :func:`cvbook.runtime.record_data`. Nothing is downloaded unless a
caller passes ``download=True``.
"""
from cvbook.data.benchmarks import DIGIT_CLASSES, digits_benchmark, small_benchmark
from cvbook.data.choose import load_mnist_or_digits
from cvbook.data.split import DataSplit
from cvbook.data.transforms import downsample
from cvbook.data.digits import DIGITS_SIZE, digits28_tensors, load_digits28, split_indices
from cvbook.data.idx import IDX_DTYPES, read_idx, write_idx
from cvbook.data.mixup import MixupBatch, mixup, sample_beta, sample_gamma  # chapter 8
from cvbook.data.preprocess import WHITENING_METHODS, Whitening, channel_stats, fit_whitening, normalize  # chapter 1
from cvbook.data.augment import (color_jitter, color_jitter_params, crop_params, cutout, cutout_params,  # chapter 1
                                 horizontal_flip_params, random_crop, random_horizontal_flip)
from cvbook.data.torchvision_sets import (
    CIFAR10_CLASSES,
    FASHION_MNIST_CLASSES,
    MNIST_CLASSES,
    load_cifar10,
    load_fashion_mnist,
    load_mnist,
    mnist_raw_files_present,
    read_cifar10,
)

# procedural scenes (SuperPoint-style shapes): the chapters' offline data
from cvbook.data.shapes import SHAPE_CLASSES, Scene, make_scene_batch, make_shapes_classification, render_scene

__all__ = [
    "MixupBatch", "mixup", "sample_beta", "sample_gamma",
    "WHITENING_METHODS", "Whitening", "channel_stats", "fit_whitening", "normalize",
    "color_jitter", "color_jitter_params", "crop_params", "cutout", "cutout_params", "horizontal_flip_params",
    "random_crop", "random_horizontal_flip",
    "SHAPE_CLASSES",
    "Scene",
    "make_scene_batch",
    "make_shapes_classification",
    "render_scene",
    "CIFAR10_CLASSES",
    "DIGITS_SIZE",
    "DataSplit",
    "DIGIT_CLASSES",
    "digits_benchmark",
    "downsample",
    "small_benchmark",
    "FASHION_MNIST_CLASSES",
    "IDX_DTYPES",
    "MNIST_CLASSES",
    "digits28_tensors",
    "load_cifar10",
    "load_digits28",
    "load_fashion_mnist",
    "load_mnist",
    "load_mnist_or_digits",
    "mnist_raw_files_present",
    "read_cifar10",
    "read_idx",
    "split_indices",
    "write_idx",
]
