"""Procedural shape scenes in the manner of SuperPoint's Synthetic Shapes.

One torch-only rasteriser (:mod:`.raster`) behind two generators:

- :func:`render_scene` / :func:`make_scene_batch`: scenes with instance labels, xyxy boxes,
  visible masks and corner keypoints (detection, segmentation, keypoints chapters);
- :func:`make_shapes_classification`: a 32x32 classification set, the offline stand-in for
  CIFAR-10 (classification chapters).

Explicit geometry (for hand-made scenes): :func:`line`, :func:`polygon`, :func:`star`,
:func:`checkerboard`, :func:`stripes`, :func:`cube`, :func:`ellipse`, drawn by
:func:`render_shapes`. Conventions are in :mod:`.scene`.

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint: Self-Supervised Interest Point
Detection and Description" (Synthetic Shapes).
Taught in: notebooks/05_detection/08_trained_detector.ipynb (the scenes)
"""
from cvbook.data.shapes.classes import SHAPE_CLASSES
from cvbook.data.shapes.classification import make_shapes_classification, render_classification_batch
from cvbook.data.shapes.detection import DETECTION_KINDS, DetectionBatch, make_detection_batch
from cvbook.data.shapes.primitives import (
    Part,
    Shape,
    checkerboard,
    cube,
    cube_axes,
    ellipse,
    line,
    polygon,
    star,
    stripes,
)
from cvbook.data.shapes.sampling import make_scene_batch, random_shape, render_scene, smooth_background
from cvbook.data.shapes.scene import Scene, masks_to_boxes_exclusive, render_shapes

__all__ = [
    "SHAPE_CLASSES",
    "DETECTION_KINDS",
    "DetectionBatch",
    "make_detection_batch",
    "Part",
    "Scene",
    "Shape",
    "checkerboard",
    "cube",
    "cube_axes",
    "ellipse",
    "line",
    "make_scene_batch",
    "make_shapes_classification",
    "masks_to_boxes_exclusive",
    "polygon",
    "random_shape",
    "render_classification_batch",
    "render_scene",
    "render_shapes",
    "smooth_background",
    "star",
    "stripes",
]

from cvbook.data.shapes.segmentation import SegmentationSet, instance_map, make_segmentation_set, semantic_map  # noqa: E402
__all__ += ["SegmentationSet", "instance_map", "make_segmentation_set", "semantic_map"]  # chapter 6

from cvbook.data.shapes.keypoints import KeypointSet, make_keypoint_set  # noqa: E402
__all__ += ["KeypointSet", "make_keypoint_set"]  # chapter 7

from cvbook.data.shapes.crowds import make_crowd_batch  # noqa: E402
__all__ += ["make_crowd_batch"]  # chapter 5 (crowds and occlusion)

from cvbook.data.shapes.multilabel import MultilabelSet, make_multilabel_set, multi_hot  # noqa: E402
__all__ += ["MultilabelSet", "make_multilabel_set", "multi_hot"]  # chapter 3 (multi-label classification)
