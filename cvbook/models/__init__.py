"""Networks by task, and a registry with task metadata.

``create("resnet50", num_classes=10)`` builds a model by name; ``list_models("resnet*")`` lists them,
``list_models(task="detection")`` those of one task (``"classification"``, ``"detection"``,
``"segmentation"``, ``"keypoints"``); ``model_info(name)`` gives the task and the builder.

- :mod:`cvbook.models.classification`: the chapter-4 zoo and the small nets of chapters 1-3;
- :mod:`cvbook.models.detection`: a small single-stage detector on an FPN (chapter 5);
- :mod:`cvbook.models.segmentation`: FCN-32s/16s/8s, U-Net, DeepLab v3, strip pooling (chapter 6);
- :mod:`cvbook.models.keypoints`: MagicPoint, SuperPoint (chapter 7).

Where torchvision has the same model, the name and the parameter count are torchvision's.
"""
from cvbook.models.registry import TASKS, ModelInfo, create, list_models, model_info, register

import cvbook.models.classification  # noqa: E402,F401  (registers the classification models)
import cvbook.models.detection  # noqa: E402,F401  (registers the chapter-5 models)
import cvbook.models.segmentation  # noqa: E402,F401  (registers the chapter-6 models)
import cvbook.models.keypoints  # noqa: E402,F401  (registers the chapter-7 models)
from cvbook.models.classification import *  # noqa: E402,F401,F403  (the zoo's classes by name, as before)
from cvbook.models.classification import __all__ as _classification_all  # noqa: E402

__all__ = ["TASKS", "ModelInfo", "create", "list_models", "model_info", "register", *_classification_all]
