"""Models of task ``detection`` (registered with ``task="detection"``).

Output contract: in training, ``model(images)`` returns a dict of per-level head outputs
(``"cls"``, ``"box"``, ``"ctr"`` for FCOS), ``model.loss(outputs, targets)`` the loss, and
``model.predict(images)`` a list of per-image ``{"boxes", "scores", "labels"}`` dicts
(the input of ``cvbook.metrics.mean_average_precision``).
"""
from cvbook.models.detection.fcos import FCOSLoss, TinyFCOS, tiny_fcos

__all__: list[str] = ["FCOSLoss", "TinyFCOS", "tiny_fcos"]
