"""Chapter 2 drivers: synchronised BN across two CPU processes (``torch.multiprocessing`` + gloo).

The chapter's training runs use :func:`cvbook.train.train_and_evaluate`; this package holds what is
too long or too process-bound to read on a page.
"""
from cvbook.experiments.ch02_batchnorm.sync_demo import BNGaps, SyncComparison, compare_sync_bn, make_global_batch

__all__ = ["BNGaps", "SyncComparison", "compare_sync_bn", "make_global_batch"]
