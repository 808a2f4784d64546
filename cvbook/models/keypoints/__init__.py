"""Models of task ``keypoints`` (registered with ``task="keypoints"``): MagicPoint and SuperPoint."""
from cvbook.models.keypoints.superpoint import MagicPoint, SuperPoint, magicpoint, superpoint

__all__: list[str] = ["MagicPoint", "SuperPoint", "magicpoint", "superpoint"]
