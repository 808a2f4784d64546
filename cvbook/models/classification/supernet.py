"""A tiny single-path supernet for one-shot architecture search (神经架构搜索), in the manner of SPOS.

The search space is a chain of ``num_layers`` **choice layers**; each holds every candidate op of
:data:`OPS` with its own weights (and its own BN), all mapping ``(B, width, H, W)`` to the same shape:

- ``"conv3x3"``: 3x3 conv - BN - ReLU;
- ``"conv5x5"``: 5x5 conv - BN - ReLU;
- ``"sep3x3"``: 3x3 depthwise - BN - ReLU - 1x1 pointwise - BN - ReLU
  (:class:`~cvbook.nn.conv.DepthwiseSeparableConv2d`);
- ``"skip"``: the identity (no weights), which lets a path be shallower.

A **path** (an architecture) is a tuple with one op index per choice layer; there are
``len(ops) ** num_layers`` of them. ``Supernet.forward(x, path)`` runs one path only (single-path
sampling: training and evaluation use the same configuration), so the ops of one layer share the
layer's position but not weights (weight sharing (权重共享) is *across architectures*: every path
that picks op ``j`` at layer ``l`` uses the same weights there). ``Supernet.subnet(path)`` builds
the same architecture as a plain stand-alone network, with fresh weights or (``inherit=True``)
with the supernet's.

Around the choice layers: a fixed stem (3x3 conv ``in_channels -> width`` - BN - ReLU) and head
(average pooling to 2x2, linear). Departs from Guo et al.: their space has 20 layers of four
ShuffleNet-v2 blocks (4^20 paths) and channel search; this one is 3-4 layers of plain convolutions
sized for 8x8 digits, so that every path can be evaluated and a few trained from scratch on a CPU.

Reference: Z. Guo et al., "Single Path One-Shot Neural Architecture Search with Uniform Sampling",
ECCV 2020 (arXiv:1904.00420).
Taught in: notebooks/08_papers/11_one_shot_nas.ipynb
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence

import torch
from torch import Tensor, nn

from cvbook._checks import as_generator, check_int
from cvbook.nn.conv.separable import DepthwiseSeparableConv2d

__all__ = ["OPS", "Supernet", "SubNet", "make_op"]

#: The candidate ops of a choice layer, by name.
OPS: tuple[str, ...] = ("conv3x3", "conv5x5", "sep3x3", "skip")


def make_op(name: str, channels: int) -> nn.Module:
    """One candidate op ``(B, channels, H, W) -> (B, channels, H, W)`` by name (see :data:`OPS`).

    Raises:
        ValueError: an unknown name or a non-positive channel count.
    """
    check_int(channels, "channels", minimum=1)
    if name in ("conv3x3", "conv5x5"):
        k = 3 if name == "conv3x3" else 5
        return nn.Sequential(nn.Conv2d(channels, channels, k, padding=k // 2, bias=False),
                             nn.BatchNorm2d(channels), nn.ReLU())
    if name == "sep3x3":
        return DepthwiseSeparableConv2d(channels, channels, 3, norm_layer=nn.BatchNorm2d, activation=nn.ReLU)
    if name == "skip":
        return nn.Identity()
    raise ValueError(f"unknown op {name!r}; expected one of {OPS}")


def _stem(in_channels: int, width: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(in_channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU())


def _head(width: int, num_classes: int) -> nn.Sequential:
    # average pooling to 2x2, not global: on 8x8 digits a head that sees only `width` pooled numbers loses
    # where the strokes are, and the search would compare paths all limited by the head
    return nn.Sequential(nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(4 * width, num_classes))


class Supernet(nn.Module):
    """All architectures of the space in one module; ``forward(x, path)`` runs one of them.

    Input ``(B, in_channels, H, W)``, output logits ``(B, num_classes)``.

    Args:
        in_channels: input channels (1 for the digits).
        num_classes: classes of the head.
        width: channels of the stem and of every choice layer.
        num_layers: number of choice layers.
        ops: candidate op names per layer, a subset of :data:`OPS` in any order.
        seed: initial weights are drawn from a forked RNG seeded with it (global state untouched).

    Raises:
        ValueError: a size below 1, no ops, repeated or unknown op names.
        TypeError: a size that is not an int, ``ops`` a string.

    Taught in: notebooks/08_papers/11_one_shot_nas.ipynb
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, width: int = 16, num_layers: int = 3,
                 ops: Sequence[str] = OPS, seed: int = 0) -> None:
        super().__init__()
        for name, v in (("in_channels", in_channels), ("num_classes", num_classes), ("width", width),
                        ("num_layers", num_layers)):
            check_int(v, name, minimum=1)
        check_int(seed, "seed", minimum=0)
        if isinstance(ops, str):
            raise TypeError(f"ops must be a sequence of op names such as {OPS}, got the string {ops!r}")
        ops = tuple(ops)
        if not ops or len(set(ops)) != len(ops) or any(o not in OPS for o in ops):
            raise ValueError(f"ops must be distinct names from {OPS}, got {ops}")
        self.in_channels, self.num_classes, self.width, self.ops, self.seed = in_channels, num_classes, width, ops, seed
        with torch.random.fork_rng(devices=[]):  # torch's default initialisers, seeded
            torch.manual_seed(seed)
            self.stem = _stem(in_channels, width)
            self.choices = nn.ModuleList(nn.ModuleList(make_op(o, width) for o in ops) for _ in range(num_layers))
            self.head = _head(width, num_classes)

    @property
    def num_layers(self) -> int:
        return len(self.choices)

    @property
    def num_paths(self) -> int:
        """``len(ops) ** num_layers``: the size of the search space."""
        return len(self.ops) ** self.num_layers

    def all_paths(self) -> list[tuple[int, ...]]:
        """Every path, in lexicographic order of the op indices (``itertools.product``)."""
        return list(itertools.product(range(len(self.ops)), repeat=self.num_layers))

    def path_names(self, path: Sequence[int]) -> tuple[str, ...]:
        """The op names of a path, ``(0, 3, 1) -> ("conv3x3", "skip", "conv5x5")``."""
        return tuple(self.ops[i] for i in self.check_path(path))

    def check_path(self, path: Sequence[int]) -> tuple[int, ...]:
        """``path`` as a tuple of ints; ``ValueError`` unless it has one index in ``0..len(ops)-1`` per layer."""
        if isinstance(path, Tensor):
            path = path.tolist()
        if isinstance(path, (str, bytes)) or not isinstance(path, Sequence):
            raise TypeError(f"path must be a sequence of op indices, got {type(path).__name__}")
        if len(path) != self.num_layers:
            raise ValueError(f"path must have one op index per choice layer ({self.num_layers}), got {tuple(path)}")
        return tuple(check_int(i, "op index", minimum=0, maximum=len(self.ops) - 1) for i in path)

    def sample_path(self, generator: int | torch.Generator | None = None) -> tuple[int, ...]:
        """A path drawn uniformly: each layer's op independently and uniformly (SPOS's uniform sampling)."""
        g = as_generator(generator)
        return tuple(int(i) for i in torch.randint(len(self.ops), (self.num_layers,), generator=g))

    def forward(self, x: Tensor, path: Sequence[int]) -> Tensor:
        """Logits ``(B, num_classes)`` of the architecture ``path`` on ``x`` ``(B, in_channels, H, W)``."""
        path = self.check_path(path)
        x = self.stem(x)
        for layer, i in zip(self.choices, path):
            x = layer[i](x)
        return self.head(x)

    def subnet(self, path: Sequence[int], seed: int | None = None, inherit: bool = False) -> "SubNet":
        """The stand-alone network of ``path``: same modules, its own weights.

        Args:
            path: the architecture.
            seed: seed of the fresh weights (default: the supernet's ``seed``).
            inherit: copy the supernet's weights (and BN statistics) of the path instead.

        Returns:
            A :class:`SubNet`; with ``inherit=True``, ``subnet(p, inherit=True)(x) == supernet(x, p)``.
        """
        path = self.check_path(path)
        net = SubNet(self.path_names(path), self.in_channels, self.num_classes, self.width,
                     seed=self.seed if seed is None else seed)
        if inherit:
            net.stem.load_state_dict(self.stem.state_dict())
            net.head.load_state_dict(self.head.state_dict())
            for op, layer, i in zip(net.body, self.choices, path):
                op.load_state_dict(layer[i].state_dict())
        return net


class SubNet(nn.Module):
    """One architecture of the space as a plain network: stem, the chosen ops, head.

    Input ``(B, in_channels, H, W)``, output logits ``(B, num_classes)``.

    Args:
        op_names: one name of :data:`OPS` per layer, e.g. ``("conv3x3", "skip", "sep3x3")``.
        in_channels, num_classes, width: as in :class:`Supernet`.
        seed: initial weights from a forked RNG seeded with it.

    Raises:
        ValueError: an unknown op name, no layers, or a size below 1.

    Taught in: notebooks/08_papers/11_one_shot_nas.ipynb
    """

    def __init__(self, op_names: Sequence[str], in_channels: int = 1, num_classes: int = 10, width: int = 16,
                 seed: int = 0) -> None:
        super().__init__()
        for name, v in (("in_channels", in_channels), ("num_classes", num_classes), ("width", width)):
            check_int(v, name, minimum=1)
        if isinstance(op_names, str) or not len(op_names):
            raise ValueError(f"op_names must be a non-empty sequence of names from {OPS}, got {op_names!r}")
        self.op_names = tuple(op_names)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(check_int(seed, "seed", minimum=0))
            self.stem = _stem(in_channels, width)
            self.body = nn.ModuleList(make_op(o, width) for o in self.op_names)
            self.head = _head(width, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        """Logits ``(B, num_classes)`` of ``x`` ``(B, in_channels, H, W)``."""
        x = self.stem(x)
        for op in self.body:
            x = op(x)
        return self.head(x)
