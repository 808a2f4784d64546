"""Texture vs shape on toy cue-conflict images: scikit-image textures inside procedural silhouettes.

Three classes, each a (shape, texture) pair as an object category has both a typical outline and a typical
surface: triangle + brick, star + grass, ellipse + gravel (scikit-image's bundled textures, 4× downsampled,
each normalised to mean 0.6 and std 0.2 so that brightness is no cue). An image is a silhouette from
:mod:`cvbook.data.shapes` (random size and rotation, shifted by up to 4 px) filled with a random crop of a
texture, on a flat grey background of level 0.3 (darker than the textures' mean 0.6, so the outline shows
both as a brightness step and where the texture stops; at 0.6 only the latter is left and shape is harder to
see, at 0 it is trivially visible). Image sets (``mode``):

- ``"plain"``: shape and texture of the same class (training images, "ImageNet");
- ``"stylised"``: the silhouette filled with one of five *other* scikit-image pictures (moon, cell, coins,
  camera, page), drawn at random, so only the shape tells the class (texture-randomised, "Stylized-ImageNet");
- ``"conflict"``: the shape of one class, the texture of another (the cue-conflict test);
- ``"texture_only"``: a full-frame crop of a class texture, no silhouette.

Departs from Geirhos et al.: their cue-conflict images are made by style transfer of 16 ImageNet categories,
their stylised training set by AdaIN style transfer from paintings; ours are composited, 32×32 grey, 3 classes.

Reference: Geirhos et al., "ImageNet-trained CNNs are biased towards texture; increasing shape bias improves
accuracy and robustness", ICLR 2019.
Taught in: notebooks/08_papers/06_texture_vs_shape.ipynb
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import as_generator, check_int
from cvbook.data.shapes import ellipse, polygon, render_shapes, star
from cvbook.metrics import ShapeBias, shape_bias
from cvbook.runtime import record_data

__all__ = ["CLASS_SHAPES", "CLASS_TEXTURES", "OTHER_TEXTURES", "CueImages", "TextureShapeData", "TextureShapeRun",
           "small_cnn", "train_texture_shape"]

CLASS_SHAPES = ("triangle", "star", "ellipse")
CLASS_TEXTURES = ("brick", "grass", "gravel")
OTHER_TEXTURES = ("moon", "cell", "coins", "camera", "page")
MODES = ("plain", "stylised", "conflict", "texture_only")


@dataclass(frozen=True)
class CueImages:
    """``images (N, 1, S, S)`` in [0, 1]; ``shape_labels`` / ``texture_labels`` ``LongTensor[N]``
    (``-1``: no class shape / not a class texture)."""

    images: Tensor
    shape_labels: Tensor
    texture_labels: Tensor


def _texture(name: str, downscale: int) -> Tensor:
    import skimage.data

    a = torch.as_tensor(getattr(skimage.data, name)(), dtype=torch.float32) / 255.0
    if a.dim() == 3:
        a = a.mean(-1)
    a = F.avg_pool2d(a[None, None], downscale)[0, 0]
    return ((a - a.mean()) / a.std() * 0.2 + 0.6).clamp(0.0, 1.0)


def _silhouette(kind: int, size: int, g: torch.Generator) -> Tensor:
    r = float(torch.empty(1).uniform_(0.28 * size, 0.44 * size, generator=g))
    a = float(torch.rand(1, generator=g)) * 2 * math.pi
    c = size / 2
    if kind == 0:
        shape = polygon([(c + r * math.cos(a + k * 2 * math.pi / 3), c + r * math.sin(a + k * 2 * math.pi / 3))
                         for k in range(3)], 1.0)
    elif kind == 1:
        shape = star((c, c), r, 0.45 * r, 5, a, 1.0)
    else:
        shape = ellipse((c, c), (0.95 * r, 0.55 * r), a, 1.0)
    return render_shapes([shape], size, background=0.0).image[0]


class TextureShapeData:
    """The textures and a bank of silhouettes (``per_class`` per shape class), rendered once.

    Args:
        size: image side ``S``.
        per_class: silhouettes rendered per shape class (images reuse them with random shifts).
        downscale: texture downsampling factor (512 → 128 px for 4).
        background: grey level outside the silhouette (the textures' mean is 0.6).
        seed: for the silhouettes' sizes and rotations.
    """

    def __init__(self, size: int = 32, per_class: int = 32, downscale: int = 4, background: float = 0.3,
                 seed: int = 0) -> None:
        self.size = check_int(size, "size", minimum=16)
        self.background = float(background)
        check_int(per_class, "per_class", minimum=1)
        g = as_generator(seed)
        record_data("scikit-image textures (brick, grass, gravel) and pictures (moon, cell, coins, camera, page)")
        record_data("cvbook.data.shapes silhouettes (triangle, star, ellipse)")
        self.textures = {n: _texture(n, downscale) for n in CLASS_TEXTURES + OTHER_TEXTURES}
        self.bank = torch.stack([torch.stack([_silhouette(k, self.size, g) for _ in range(per_class)])
                                 for k in range(len(CLASS_SHAPES))])          # (3, per_class, S, S)

    def _crops(self, names: list[str], g: torch.Generator) -> Tensor:
        s, out = self.size, []
        for name in names:
            t = self.textures[name]
            y = int(torch.randint(0, t.shape[0] - s + 1, (1,), generator=g))
            x = int(torch.randint(0, t.shape[1] - s + 1, (1,), generator=g))
            out.append(t[y:y + s, x:x + s])
        return torch.stack(out)

    def make(self, n: int, mode: str, generator: torch.Generator | int | None = None) -> CueImages:
        """``n`` images of one ``mode`` (see the module docstring)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        n = check_int(n, "n", minimum=1)
        g = as_generator(generator)
        k = len(CLASS_SHAPES)
        shapes = torch.randint(0, k, (n,), generator=g)
        if mode == "plain":
            textures = shapes.clone()
        elif mode == "conflict":
            textures = (shapes + torch.randint(1, k, (n,), generator=g)) % k     # always another class
        elif mode == "texture_only":
            textures, shapes = shapes, torch.full((n,), -1)
        else:
            textures = torch.full((n,), -1)
        if mode == "stylised":
            names = [OTHER_TEXTURES[int(i)] for i in torch.randint(0, len(OTHER_TEXTURES), (n,), generator=g)]
        else:
            names = [CLASS_TEXTURES[int(t)] for t in textures]
        fill = self._crops(names, g)
        if mode == "texture_only":
            return CueImages(fill[:, None], shapes, textures)
        which = torch.randint(0, self.bank.shape[1], (n,), generator=g)
        shifts = torch.randint(-4, 5, (n, 2), generator=g)
        masks = torch.stack([torch.roll(self.bank[s, w], (int(dy), int(dx)), (0, 1))
                             for s, w, (dy, dx) in zip(shapes.tolist(), which.tolist(), shifts)])
        return CueImages((masks * fill + (1 - masks) * self.background)[:, None], shapes, textures)


def small_cnn(num_classes: int = 3, width: int = 8, seed: int = 0) -> nn.Module:
    """Three 3×3 conv-BN-ReLU stages (``width``, ``2 width``, ``4 width`` channels, 2×2 max pooling between),
    global average pooling and a linear classifier; initialised from ``seed``."""
    with torch.random.fork_rng():            # torch's default initialisers, seeded, global state untouched
        torch.manual_seed(seed)
        c = width
        return nn.Sequential(
            nn.Conv2d(1, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c, 2 * c, 3, padding=1), nn.BatchNorm2d(2 * c), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(2 * c, 4 * c, 3, padding=1), nn.BatchNorm2d(4 * c), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * c, num_classes))


@dataclass(frozen=True)
class TextureShapeRun:
    """Test accuracies on ``plain``, ``stylised`` (shape only: novel fillings) and ``texture_only`` images,
    and the shape ``bias`` on cue-conflict images."""

    plain: float
    stylised: float
    texture_only: float
    bias: ShapeBias


def train_texture_shape(data: TextureShapeData, train_on: str, seed: int, n_train: int = 600, epochs: int = 8,
                        n_test: int = 300, batch_size: int = 32, lr: float = 3e-3, width: int = 8) -> TextureShapeRun:
    """Train :func:`small_cnn` with Adam on ``n_train`` images of ``train_on`` (``"plain"`` or ``"stylised"``),
    then test it. Training data and initialisation come from ``seed``; the test sets from ``10_000 + seed``."""
    if train_on not in ("plain", "stylised"):
        raise ValueError(f"train_on must be 'plain' or 'stylised', got {train_on!r}")
    g = as_generator(seed)
    train = data.make(n_train, train_on, g)
    net = small_cnn(len(CLASS_SHAPES), width, seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    net.train()
    for _ in range(epochs):
        perm = torch.randperm(n_train, generator=g)
        for i in range(0, n_train, batch_size):
            idx = perm[i:i + batch_size]
            loss = F.cross_entropy(net(train.images[idx]), train.shape_labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    # the running BN statistics lag behind weights that moved fast in 150 Adam steps: re-estimate them on the
    # training images with the final weights (a cumulative average, as torch.optim.swa_utils.update_bn does)
    torch.optim.swa_utils.update_bn([train.images[i:i + 100] for i in range(0, n_train, 100)], net)
    net.eval()
    gt = as_generator(10_000 + seed)
    with torch.no_grad():
        def accuracy(mode: str) -> float:
            t = data.make(n_test, mode, gt)
            labels = t.texture_labels if mode == "texture_only" else t.shape_labels
            return float((net(t.images).argmax(1) == labels).double().mean())
        plain, stylised, texture_only = accuracy("plain"), accuracy("stylised"), accuracy("texture_only")
        conflict = data.make(2 * n_test, "conflict", gt)
        bias = shape_bias(net(conflict.images).argmax(1), conflict.shape_labels, conflict.texture_labels)
    return TextureShapeRun(plain, stylised, texture_only, bias)
