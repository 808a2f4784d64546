"""Loss functions as layers and functions: cross-entropy family, hinge, label smoothing, detector
losses, triplet / center / margin losses.

Each chapter adds its losses below its own marker line; keep the markers.
"""
__all__: list[str] = []

# --- chapter 3: classification losses ---
# --- chapter 7: SuperPoint detector and descriptor losses ---
from cvbook.nn.losses.superpoint import descriptor_correspondence, descriptor_loss, detector_loss  # noqa: E402

__all__ += ["descriptor_correspondence", "descriptor_loss", "detector_loss"]
# --- chapter 8: metric learning (triplet, center, margin heads) ---
from cvbook.nn.losses.metric_learning import (
    ArcFaceHead,
    CenterLoss,
    CosFaceHead,
    batch_all_triplet_loss,
    batch_hard_triplet_loss,
    pairwise_distances,
    triplet_hinges,
    valid_triplets,
)

__all__ += ["ArcFaceHead", "CenterLoss", "CosFaceHead", "batch_all_triplet_loss", "batch_hard_triplet_loss",
            "pairwise_distances", "triplet_hinges", "valid_triplets"]
