"""Chapter 6 drivers: the scenes used by every page, one training recipe, scoring, seed sweeps.

Taught in: notebooks/06_segmentation/05_dataset_vs_image_miou.ipynb
"""
from cvbook.experiments.ch06_segmentation.recipe import (CHAPTER_KINDS, SegRun, SegScores, chapter_data, predict,
                                                          score, train_segmenter)
from cvbook.experiments.ch06_segmentation.bars import BAR_CLASSES, make_bar_set  # noqa: E402  (strip pooling page)

__all__ = ["CHAPTER_KINDS", "SegRun", "SegScores", "chapter_data", "predict", "score", "train_segmenter"]
__all__ += ["BAR_CLASSES", "make_bar_set"]
from cvbook.experiments.ch06_segmentation.border import border_distance, recall_by_border_distance  # noqa: E402
__all__ += ["border_distance", "recall_by_border_distance"]
from cvbook.experiments.ch06_segmentation.perturb import flip_area, perturb_boundary  # noqa: E402
__all__ += ["flip_area", "perturb_boundary"]
