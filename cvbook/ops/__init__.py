"""Stateless tensor ops in the style of ``torchvision.ops``, each with its hand-derived math.

Where torchvision has the op, the name, argument order and semantics are torchvision's, and the
tests check equality with it. Conventions: boxes are ``Tensor[N, 4]`` in ``(x1, y1, x2, y2)``
pixel coordinates (x to the right, y down) unless a function says otherwise; points are ``(x, y)``.

Each chapter adds its ops below its own marker line; keep the markers.
"""
__all__: list[str] = []

# --- chapter 1: pooling and convolution as a matrix (hand-written backward) ---
# --- chapter 5: boxes, IoU family, NMS, focal loss, box coding ---
# --- chapter 6: masks ---
# --- chapter 7: keypoint labels, depth_to_space ---
