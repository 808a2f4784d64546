"""Evaluation metrics: accuracy, calibration, detection mAP (COCO rules), confusion matrix and
mIoU, keypoint precision/recall and repeatability.

Each metric is tested against its oracle (pycocotools, torchmetrics, scikit-image) and hand counts.
Each chapter adds its metrics below its own marker line; keep the markers.
"""
__all__: list[str] = []

# --- chapter 5: detection (mAP) ---
from cvbook.metrics.detection import (COCO_IOU_THRESHOLDS, COCO_RECALL_THRESHOLDS, DetectionMAP,
                                      mean_average_precision)

__all__ += ["COCO_IOU_THRESHOLDS", "COCO_RECALL_THRESHOLDS", "DetectionMAP", "mean_average_precision"]
# --- chapter 6: segmentation (confusion matrix, mIoU, boundary F-score, PQ) ---
from cvbook.metrics.segmentation import (BoundaryF, PanopticResult, boundary_f_score, confusion_matrix,  # noqa: E402
                                        dataset_miou, image_miou, iou_from_confusion, panoptic_quality)

__all__ += ["BoundaryF", "PanopticResult", "boundary_f_score", "confusion_matrix", "dataset_miou", "image_miou",
            "iou_from_confusion", "panoptic_quality"]
# --- chapter 7: keypoints (detector AP, localisation error, repeatability, homography accuracy) ---
from cvbook.metrics.keypoints import (KeypointPR, homography_accuracy, homography_corner_error,  # noqa: E402
                                      keypoint_pr, localization_error, repeatability)

__all__ += ["KeypointPR", "homography_accuracy", "homography_corner_error", "keypoint_pr", "localization_error",
            "repeatability"]
# --- chapter 8: calibration (ECE), image quality (PSNR, SSIM) ---
from cvbook.metrics.calibration import ReliabilityBins, expected_calibration_error, reliability_bins
from cvbook.metrics.image_quality import psnr, ssim

__all__ += ["ReliabilityBins", "expected_calibration_error", "psnr", "reliability_bins", "ssim"]
from cvbook.metrics.shape_bias import ShapeBias, shape_bias  # noqa: E402

__all__ += ["ShapeBias", "shape_bias"]
from cvbook.metrics.embedding import ClassSeparation, class_separation  # noqa: E402

__all__ += ["ClassSeparation", "class_separation"]
# --- chapter 3: multi-label classification (per-class AP, example-based F1, subset accuracy) ---
from cvbook.metrics.multilabel import (MultilabelAP, MultilabelScores, best_thresholds,  # noqa: E402
                                       multilabel_average_precision, multilabel_scores)

__all__ += ["MultilabelAP", "MultilabelScores", "best_thresholds", "multilabel_average_precision", "multilabel_scores"]
# --- chapter 8: rank correlation (one-shot NAS) ---
from cvbook.metrics.rank_correlation import kendall_tau  # noqa: E402

__all__ += ["kendall_tau"]
