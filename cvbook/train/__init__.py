"""Training: a small ``fit``/``evaluate`` loop and the per-epoch ``History`` it returns."""
from cvbook.train.history import History
from cvbook.train.loop import METRICS, evaluate, fit

__all__ = ["METRICS", "History", "evaluate", "fit"]
