"""Stateless tensor ops in the style of ``torchvision.ops``, each with its hand-derived math.

Where torchvision has the op, the name, argument order and semantics are torchvision's, and the
tests check equality with it. Conventions: boxes are ``Tensor[N, 4]`` in ``(x1, y1, x2, y2)``
pixel coordinates (x to the right, y down) unless a function says otherwise; points are ``(x, y)``.

Each chapter adds its ops below its own marker line; keep the markers.
"""
__all__: list[str] = []

# --- chapter 1: pooling and convolution as a matrix (hand-written backward) ---
from cvbook.ops.conv_backward import Conv2dFunction, conv2d_input, conv2d_weight  # noqa: E402
from cvbook.ops.conv_matrix import conv2d_matrix, conv_transpose2d_by_matrix  # noqa: E402
from cvbook.ops.pooling import AvgPool2d, MaxPool2d, avg_pool2d, max_pool2d, max_pool2d_with_indices  # noqa: E402

__all__ += ["Conv2dFunction", "conv2d_input", "conv2d_weight", "conv2d_matrix", "conv_transpose2d_by_matrix",
            "AvgPool2d", "MaxPool2d", "avg_pool2d", "max_pool2d", "max_pool2d_with_indices"]
# --- chapter 5: boxes, IoU family, NMS, focal loss, box coding ---
from cvbook.ops.anchors import KMeansAnchors, grid_anchors, kmeans_anchors, match_anchors, mean_best_iou, wh_iou
from cvbook.ops.box_coder import BBOX_XFORM_CLIP, decode_boxes, encode_boxes
from cvbook.ops.boxes import (box_area, box_convert, box_iog, box_iou, complete_box_iou, distance_box_iou,
                              generalized_box_iou)
from cvbook.ops.focal_loss import prior_bias, sigmoid_focal_loss
from cvbook.ops.iou_loss import complete_box_iou_loss, distance_box_iou_loss, generalized_box_iou_loss, iou_loss
from cvbook.ops.nms import batched_nms, diou_nms, nms, soft_nms
from cvbook.ops.roi_align import roi_align

__all__ += ["KMeansAnchors", "grid_anchors", "kmeans_anchors", "match_anchors", "mean_best_iou", "wh_iou",
            "BBOX_XFORM_CLIP", "decode_boxes", "encode_boxes", "box_area", "box_convert", "box_iog", "box_iou",
            "complete_box_iou", "distance_box_iou", "generalized_box_iou", "prior_bias", "sigmoid_focal_loss",
            "complete_box_iou_loss", "distance_box_iou_loss", "generalized_box_iou_loss", "iou_loss",
            "batched_nms", "diou_nms", "nms", "soft_nms", "roi_align"]
from cvbook.ops.yolo_coder import yolo_decode, yolo_grid_decode  # noqa: E402

__all__ += ["yolo_decode", "yolo_grid_decode"]
# --- chapter 6: masks ---
from cvbook.ops.masks import bilinear_kernel, bilinear_upsampling_weight, dilate, erode, mask_boundary, one_hot  # noqa: E402

__all__ += ["bilinear_kernel", "bilinear_upsampling_weight", "dilate", "erode", "mask_boundary", "one_hot"]
from cvbook.ops.elastic import elastic_deform, elastic_displacement, remap  # noqa: E402

__all__ += ["elastic_deform", "elastic_displacement", "remap"]
# --- chapter 7: keypoint labels, depth_to_space ---
from cvbook.ops.depth_to_space import depth_to_space, space_to_depth  # noqa: E402
from cvbook.ops.homography import (cumulative_homographic_adaptation, homographic_adaptation,  # noqa: E402
                                    homography_from_points, random_homography, warp_image, warp_points)
from cvbook.ops.keypoints import (Keypoints, detect_keypoints, heatmap_nms, keypoints_to_labels,  # noqa: E402
                                  labels_to_keypoints, logits_to_heatmap)

__all__ += ["depth_to_space", "space_to_depth", "homography_from_points", "random_homography", "warp_image",
            "warp_points", "Keypoints", "detect_keypoints", "heatmap_nms", "keypoints_to_labels",
            "labels_to_keypoints", "logits_to_heatmap", "homographic_adaptation",
            "cumulative_homographic_adaptation"]
from cvbook.ops.matching import mutual_nearest_neighbours, sample_descriptors  # noqa: E402

__all__ += ["mutual_nearest_neighbours", "sample_descriptors"]
# --- chapter 8: inpainting ---
from cvbook.ops.inpaint import navier_stokes_inpaint  # noqa: E402

__all__ += ["navier_stokes_inpaint"]
# --- chapter 8: affine (fake) quantisation ---
from cvbook.ops.quantize import fake_quantize_per_channel, fake_quantize_per_tensor, qparams_from_minmax, quantize_weight  # noqa: E402

__all__ += ["fake_quantize_per_channel", "fake_quantize_per_tensor", "qparams_from_minmax", "quantize_weight"]
