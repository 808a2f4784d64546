"""Evaluation metrics: accuracy, calibration, detection mAP (COCO rules), confusion matrix and
mIoU, keypoint precision/recall and repeatability.

Each metric is tested against its oracle (pycocotools, torchmetrics, scikit-image) and hand counts.
Each chapter adds its metrics below its own marker line; keep the markers.
"""
__all__: list[str] = []

# --- chapter 5: detection (mAP) ---
# --- chapter 6: segmentation (confusion matrix, mIoU, boundary F-score, PQ) ---
# --- chapter 7: keypoints (detector AP, localisation error, repeatability, homography accuracy) ---
# --- chapter 8: calibration (ECE), image quality (PSNR, SSIM) ---
