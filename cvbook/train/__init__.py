"""Training: a small ``fit``/``evaluate`` loop, the per-epoch ``History`` it returns, the one
"train with SGD then evaluate" recipe, and ``repeat`` over seeds."""
from cvbook.train.history import History
from cvbook.train.loop import METRICS, Evaluation, evaluate, fit
from cvbook.train.recipes import TrainResult, train_and_evaluate
from cvbook.train.seeds import SeedRuns, SeedStats, default_seeds, repeat

__all__ = ["METRICS", "Evaluation", "History", "SeedRuns", "SeedStats", "TrainResult", "default_seeds", "evaluate", "fit", "repeat",
           "train_and_evaluate"]
from cvbook.train.early_stopping import EarlyStopping, EarlyStoppingResult, early_stopping_epoch

__all__ += ["EarlyStopping", "EarlyStoppingResult", "early_stopping_epoch"]
from cvbook.train.bn_recalibration import bn_layers, recalibrate_bn

__all__ += ["bn_layers", "recalibrate_bn"]
