"""cvbook: the helper package of a runnable textbook of deep learning for computer vision.

The package is shaped by concept, like torchvision; only :mod:`cvbook.experiments` is shaped by chapter.
Dependencies point down this list (``ops``, ``nn``, ``models`` never import ``train``, ``data`` or
``experiments``; nothing in the library imports ``experiments``):

- :mod:`cvbook._checks`     private argument checks, ``as_generator``
- :mod:`cvbook.runtime`     device, fast/full switch, thread policy, the environment report
- :mod:`cvbook.plot`        paper-quality figures (styles, sizes, palette, saving, grids)
- :mod:`cvbook.data`        loaders (one record type, ``DataSplit``), benchmarks, mixup, procedural scenes
- :mod:`cvbook.ops`         stateless tensor ops (pooling, conv as a matrix, boxes, NMS, masks, keypoints)
- :mod:`cvbook.nn`          layers only: ``conv``, ``norm``, ``act``, ``blocks``, ``losses``
- :mod:`cvbook.models`      networks by task, with a registry (``create``, ``list_models(task=...)``)
- :mod:`cvbook.metrics`     accuracy, calibration, mAP, mIoU, keypoint AP
- :mod:`cvbook.optim`       optimisers, schedules, penalties
- :mod:`cvbook.train`       fit / evaluate, the one training recipe, results over seeds
- :mod:`cvbook.analysis`    measuring a model: receptive fields, costs, memory, latency, gradient flow
- :mod:`cvbook.experiments` chapter drivers (sweeps, recipes, table builders)
- :mod:`cvbook.book`        executing and checking the notebooks of the book

Subpackages are imported lazily (``import cvbook.analysis``), so ``import cvbook`` stays cheap.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
