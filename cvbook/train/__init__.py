"""Training: a small ``fit``/``evaluate`` loop and the per-epoch ``History`` it returns."""
from cvbook.train.history import History
from cvbook.train.loop import METRICS, evaluate, fit
from cvbook.train.seeds import SeedRuns, SeedStats, default_seeds, repeat

__all__ = ["METRICS", "History", "SeedRuns", "SeedStats", "default_seeds", "evaluate", "fit", "repeat"]
