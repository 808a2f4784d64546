"""Loss functions as layers and functions: cross-entropy family, hinge, label smoothing, detector
losses, triplet / center / margin losses.

Each chapter adds its losses below its own marker line; keep the markers.
"""
__all__: list[str] = []

# --- chapter 3: classification losses ---
from cvbook.nn.losses.classification import (cross_entropy, log_softmax, logsumexp, multiclass_hinge,  # noqa: E402
                                             naive_cross_entropy, sigmoid_ce_logit_grad, sigmoid_mse_logit_grad)

__all__ += ["cross_entropy", "log_softmax", "logsumexp", "multiclass_hinge", "naive_cross_entropy",
            "sigmoid_ce_logit_grad", "sigmoid_mse_logit_grad"]
# --- chapter 5: YOLOv1's grid targets and loss ---
from cvbook.nn.losses.detection import (YoloV1Loss, YoloV1Targets, cell_boxes_to_xyxy, yolov1_loss,  # noqa: E402
                                        yolov1_targets)

__all__ += ["YoloV1Loss", "YoloV1Targets", "cell_boxes_to_xyxy", "yolov1_loss", "yolov1_targets"]
from cvbook.nn.losses.repulsion import rep_box_loss, rep_gt_loss, repulsion_targets, smooth_ln  # noqa: E402

__all__ += ["rep_box_loss", "rep_gt_loss", "repulsion_targets", "smooth_ln"]
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
# --- chapter 8: knowledge distillation ---
from cvbook.nn.losses.distillation import DistillationLoss, distillation_loss  # noqa: E402

__all__ += ["DistillationLoss", "distillation_loss"]
