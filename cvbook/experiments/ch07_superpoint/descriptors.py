"""SuperPoint's descriptor head trained on homographic pairs, and its dense correspondence accuracy.

The encoder and detector are those of the chapter's MagicPoint (page 04, through
:func:`~cvbook.experiments.ch07_superpoint.recipe.magicpoint_run`), frozen; only the descriptor head
(3x3 conv, BatchNorm, ReLU, 1x1 conv, L2 normalisation) is trained, with the hinge loss of
:func:`cvbook.nn.losses.superpoint.descriptor_loss` on pairs ``(I, H I)`` of grey photographs.
Because the encoder is frozen its features are computed once per pair, and training touches only the
head. The untrained head is the same model before training (same seed), the baseline of the page.

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 3.3-3.4 (Eq. 4-5) and Sec. 5.
Departure: the paper trains encoder, detector and descriptor jointly on adapted MS-COCO (lambda_d = 250,
240x320 images); here the encoder is frozen, the images are small crops and lambda_d is chosen on
validation pairs.
Taught in: notebooks/07_superpoint/06_descriptors.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.utils.data import DataLoader, TensorDataset

from cvbook._checks import as_generator, check_int, check_positive, check_shape
from cvbook.models import create
from cvbook.models.keypoints.superpoint import SuperPoint
from cvbook.nn.losses.superpoint import descriptor_correspondence, descriptor_loss
from cvbook.ops.homography import random_homography, warp_image
from cvbook.runtime import record_data
from cvbook.train import History, fit

__all__ = ["TRAIN_PHOTOS", "VAL_PHOTOS", "TEST_PHOTOS", "grey_photo", "DescriptorRecipe", "HomographicPairs",
           "make_pairs", "superpoint_from_magicpoint", "PairHead",
           "train_descriptor_head", "dense_correspondence_accuracy"]


# scikit-image's bundled photographs, split three ways: the head is trained on the first, lambda_d is chosen on the
# second, and the page's numbers come from the third (the photographs of page 05)
TRAIN_PHOTOS = ("moon", "text", "brick", "gravel", "grass", "cell", "hubble_deep_field", "immunohistochemistry", "page")
VAL_PHOTOS = ("chelsea", "clock")
TEST_PHOTOS = ("camera", "astronaut", "coffee", "rocket", "coins")


def grey_photo(name: str, max_side: int = 320) -> Tensor:
    """One of ``skimage.data``'s bundled images, grey in [0, 1], resized (anti-aliased) so that its longer
    side is ``max_side``: ``Tensor[1, H, W]`` float32 (recorded with :func:`cvbook.runtime.record_data`).

    Raises:
        ValueError: ``name`` is not an image of ``skimage.data``.
    """
    import skimage.data
    from skimage.color import rgb2gray
    from skimage.transform import resize

    if not callable(getattr(skimage.data, name, None)) or name.startswith("_"):
        raise ValueError(f"no image {name!r} in skimage.data")
    image = getattr(skimage.data, name)()
    record_data("scikit-image's bundled photographs (skimage.data), grey")
    if image.ndim == 3:
        image = rgb2gray(image[..., :3])
    else:
        image = image.astype("float64") / (255.0 if image.max() > 1 else 1.0)
    s = check_int(max_side, "max_side", minimum=8) / max(image.shape)
    image = resize(image, (round(image.shape[0] * s), round(image.shape[1] * s)), anti_aliasing=True)
    return torch.from_numpy(image).float()[None]


@dataclass(frozen=True)
class DescriptorRecipe:
    """Everything that decides a descriptor-head run: pair size, number of pairs, optimiser, loss weights.

    ``size``: ``(H, W)`` of a training pair; ``descriptor_dim``: the descriptor length (paper: 256);
    ``lambda_d``, ``pos_margin``, ``neg_margin``: the loss of Eq. 5 (paper: 250, 1, 0.2);
    ``max_angle``: the homographies' rotation bound in radians.
    """

    size: tuple[int, int] = (64, 64)
    n_train: int = 256
    n_val: int = 64
    epochs: int = 6
    batch_size: int = 16
    lr: float = 3e-3
    descriptor_dim: int = 64
    lambda_d: float = 10.0
    pos_margin: float = 1.0
    neg_margin: float = 0.2
    max_angle: float = 0.7853981633974483  # pi / 4, as on page 05


@dataclass(frozen=True)
class HomographicPairs:
    """Pairs of images ``(I, H I)``: ``images1``, ``images2`` ``(N, 1, H, W)`` in [0, 1] and the
    homographies ``Tensor[N, 3, 3]`` float64 from image-1 to image-2 pixels."""

    images1: Tensor
    images2: Tensor
    homographies: Tensor

    def __len__(self) -> int:
        return len(self.images1)


def make_pairs(images: Sequence[Tensor], n: int, size: tuple[int, int], generator: torch.Generator | int | None = None,
               *, scale: tuple[float, float] = (1.0, 1.5), max_angle: float = 0.7853981633974483) -> HomographicPairs:
    """``n`` pairs ``(I, H I)``: ``I`` a random crop of a random image, ``scale`` times ``size`` (clamped to
    the image), resized to ``size``; ``H`` from :func:`~cvbook.ops.homography.random_homography`.

    Args:
        images: grey images ``(1, H_i, W_i)`` (or ``(H_i, W_i)``) in [0, 1], each at least ``size``.
        n: the number of pairs.
        size: ``(H, W)`` of the pairs.
        generator: the randomness (crops, homographies).
        scale: the crop's side over the pair's, uniform in ``[scale[0], scale[1]]``, ``1 <= scale[0] <= scale[1]``.
        max_angle: the homographies' rotation bound (radians).

    Returns:
        A :class:`HomographicPairs` of ``n`` pairs.

    Raises:
        ValueError: no images, a bad ``n`` or ``scale``, an image smaller than ``size``.
    """
    if len(images) == 0:
        raise ValueError("images must not be empty")
    n = check_int(n, "n", minimum=0)
    if not 1 <= scale[0] <= scale[1]:
        raise ValueError(f"scale must be (lo, hi) with 1 <= lo <= hi, got {scale}")
    h, w = check_int(size[0], "height", minimum=8), check_int(size[1], "width", minimum=8)
    ims = [im if im.dim() == 3 else im[None] for im in images]
    for im in ims:
        check_shape(im, "1 H W", "image")
        if im.shape[1] < h or im.shape[2] < w:
            raise ValueError(f"every image must be at least {h}x{w}, got {tuple(im.shape[1:])}")
    g = as_generator(generator)
    first, second, hs = [], [], []
    for _ in range(n):
        im = ims[int(torch.randint(len(ims), (1,), generator=g))]
        H, W = im.shape[1:]
        side = min(H / h, W / w)  # the largest crop with the pair's aspect ratio, in units of the pair
        s = min(side, scale[0] + (scale[1] - scale[0]) * float(torch.rand(1, generator=g)))
        ch, cw = max(h, int(round(s * h))), max(w, int(round(s * w)))
        y0 = int(torch.randint(H - ch + 1, (1,), generator=g))
        x0 = int(torch.randint(W - cw + 1, (1,), generator=g))
        crop = F.interpolate(im[None, :, y0:y0 + ch, x0:x0 + cw].float(), size=(h, w), mode="area")[0]
        hom = random_homography((h, w), g, max_angle=max_angle)
        first.append(crop)
        second.append(warp_image(crop.double(), hom).float())
        hs.append(hom)
    if n == 0:
        empty = torch.zeros(0, 1, h, w)
        return HomographicPairs(empty, empty.clone(), torch.zeros(0, 3, 3, dtype=torch.float64))
    return HomographicPairs(torch.stack(first), torch.stack(second), torch.stack(hs))


def superpoint_from_magicpoint(magicpoint: nn.Module, descriptor_dim: int = 64, seed: int = 0) -> SuperPoint:
    """A SuperPoint whose encoder and detector are ``magicpoint``'s (copied, frozen, in eval mode) and
    whose descriptor head is freshly initialised from ``seed``.

    Args:
        magicpoint: a :class:`~cvbook.models.keypoints.superpoint.MagicPoint`.
        descriptor_dim: the descriptor length.
        seed: the descriptor head's initialisation.

    Returns:
        The SuperPoint, in eval mode; only ``model.descriptor`` has ``requires_grad``.

    Raises:
        TypeError: ``magicpoint`` has no encoder and detector.
    """
    if not (hasattr(magicpoint, "encoder") and hasattr(magicpoint, "detector")):
        raise TypeError(f"magicpoint must be a MagicPoint (encoder + detector), got {type(magicpoint).__name__}")
    widths = [m.out_channels for m in magicpoint.encoder if isinstance(m, nn.Conv2d)][1::2]
    head_channels = magicpoint.detector[0].out_channels
    model = create("superpoint", seed=seed, widths=tuple(widths), head_channels=head_channels,
                   descriptor_dim=check_int(descriptor_dim, "descriptor_dim", minimum=1))
    missing, unexpected = model.load_state_dict(magicpoint.state_dict(), strict=False)
    assert not unexpected and all(k.startswith("descriptor.") for k in missing)
    for p in list(model.encoder.parameters()) + list(model.detector.parameters()):
        p.requires_grad_(False)
    return model.eval()


class PairHead(nn.Module):
    """The descriptor head applied to both features of a pair: ``(B, 2, C, Hc, Wc) -> (B, 2, D, Hc, Wc)``,
    unit length along ``D`` (what :func:`cvbook.train.fit` trains)."""

    def __init__(self, head: nn.Module) -> None:
        super().__init__()
        self.head = head

    def forward(self, x: Tensor) -> Tensor:
        s = check_shape(x, "B P C Hc Wc", "x")
        out = F.normalize(self.head(x.flatten(0, 1)), dim=1)
        return out.view(s["B"], s["P"], *out.shape[1:])


def _features(model: SuperPoint, pairs: HomographicPairs) -> Tensor:
    with torch.no_grad():
        return torch.stack([model.encoder(pairs.images1), model.encoder(pairs.images2)], dim=1)


def _correspondences(pairs: HomographicPairs) -> Tensor:
    size = tuple(pairs.images1.shape[-2:])
    return torch.stack([descriptor_correspondence(h, size) for h in pairs.homographies]).float()


def train_descriptor_head(model: SuperPoint, train: HomographicPairs, val: HomographicPairs | None,
                          recipe: DescriptorRecipe, seed: int = 0) -> History:
    """Train ``model.descriptor`` in place with Adam on :func:`descriptor_loss` (the encoder stays frozen).

    Args:
        model: from :func:`superpoint_from_magicpoint`.
        train, val: the training and (optional) validation pairs.
        recipe: the optimiser and the loss's ``lambda_d``, margins.
        seed: the batches' order.

    Returns:
        The per-epoch :class:`~cvbook.train.History` (``train_loss``, ``val_loss``); the model is left in eval mode.
    """
    lam = check_positive(recipe.lambda_d, "lambda_d", strict=False)
    g = as_generator(seed)
    head = PairHead(model.descriptor)
    loader = DataLoader(TensorDataset(_features(model, train), _correspondences(train)),
                        batch_size=recipe.batch_size, shuffle=True, generator=g)
    val_loader = None if val is None else DataLoader(TensorDataset(_features(model, val), _correspondences(val)),
                                                     batch_size=256)

    def loss_fn(out: Tensor, corr: Tensor) -> Tensor:
        return descriptor_loss(out[:, 0], out[:, 1], corr, recipe.pos_margin, recipe.neg_margin, lam)

    opt = torch.optim.Adam(head.parameters(), lr=recipe.lr)
    history = fit(head, loader, val_loader, epochs=recipe.epochs, optimizer=opt, loss_fn=loss_fn, device="cpu",
                  progress=False, metrics=())
    model.eval()
    return history


def dense_correspondence_accuracy(model: SuperPoint, pairs: HomographicPairs) -> float:
    """The fraction of cells of image 1 whose nearest descriptor in image 2 (largest dot product) is a
    corresponding cell (:func:`descriptor_correspondence`), over the cells that have one.

    Args:
        model: a SuperPoint (``forward`` returns ``(logits, descriptors)``).
        pairs: the pairs.

    Returns:
        The accuracy in ``[0, 1]`` (NaN when no cell has a correspondence).
    """
    with torch.no_grad():
        d1 = model(pairs.images1)[1].flatten(2)
        d2 = model(pairs.images2)[1].flatten(2)
    corr = _correspondences(pairs)
    best = torch.einsum("bdn,bdm->bnm", d1, d2).argmax(dim=2, keepdim=True)
    has = corr.sum(dim=2) > 0
    hit = corr.gather(2, best)[..., 0] > 0
    total = int(has.sum())
    return float("nan") if total == 0 else float((hit & has).sum()) / total
