"""Chapter 3 drivers: the shared over-fitting set-up of the regularisation page (small digits subset
with noisy labels, one small CNN, one regulariser at a time).
"""
from cvbook.experiments.ch03_optimization.regularizers import (
    Curves,
    OverfitData,
    RegConfig,
    RunResult,
    make_net,
    overfit_digits,
    population_bn_stats,
    train_run,
)

__all__ = ["Curves", "OverfitData", "RegConfig", "RunResult", "make_net", "overfit_digits", "population_bn_stats",
           "train_run"]
from cvbook.experiments.ch03_optimization.multilabel import (  # noqa: E402  (multi-label page)
    LOSSES, MultilabelData, MultilabelRun, multilabel_data, multilabel_loss, multilabel_probabilities,
    normalised_target, train_multilabel)

__all__ += ["LOSSES", "MultilabelData", "MultilabelRun", "multilabel_data", "multilabel_loss",
            "multilabel_probabilities", "normalised_target", "train_multilabel"]
