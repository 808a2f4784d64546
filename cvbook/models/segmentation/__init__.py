"""Models of task ``segmentation`` (registered with ``task="segmentation"``)."""
__all__: list[str] = []
