"""Chapter 5 drivers: the detector's training recipe and its ablations, the DIoU simulation."""
from cvbook.experiments.ch05_detection.diou_simulation import Simulation, regression_cases, simulate
from cvbook.experiments.ch05_detection.recipe import DetectorRun, evaluate_detector, train_detector

__all__ = ["DetectorRun", "evaluate_detector", "train_detector", "Simulation", "regression_cases", "simulate"]
from cvbook.experiments.ch05_detection.crowds import CrowdRegression, crowd_regression  # noqa: E402

__all__ += ["CrowdRegression", "crowd_regression"]
