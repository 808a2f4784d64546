"""Chapter 7 drivers: classical detector baselines (OpenCV) and the MagicPoint training recipe."""
from cvbook.experiments.ch07_superpoint.baselines import BASELINES, detect_fast, detect_harris, detect_shi_tomasi, harris_response
from cvbook.experiments.ch07_superpoint.train import (DetectorScore, MagicPointRun, evaluate_detector,
                                                     magicpoint_detector, train_magicpoint)

__all__ = ["BASELINES", "DetectorScore", "MagicPointRun", "magicpoint_detector", "detect_fast", "detect_harris", "detect_shi_tomasi", "harris_response", "evaluate_detector",
           "train_magicpoint"]
