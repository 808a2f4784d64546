"""Models of task ``detection`` (registered with ``task="detection"``)."""
__all__: list[str] = []
