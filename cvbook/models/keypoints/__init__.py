"""Models of task ``keypoints`` (registered with ``task="keypoints"``)."""
__all__: list[str] = []
