"""cvbook: the helper package of a runnable textbook of deep learning for computer vision.

Subpackages mirror the book's chapters:

- :mod:`cvbook.runtime`  device, seeding, the fast/full switch, the environment report
- :mod:`cvbook.plot`     paper-quality figures (styles, sizes, palette, saving, grids)
- :mod:`cvbook.data`     real loaders, offline stand-ins and the procedural scene generator
- :mod:`cvbook.analysis` convolution arithmetic, receptive fields, parameter/FLOP counts, latency
- :mod:`cvbook.nn`       layers written from scratch
- :mod:`cvbook.train`    a small fit/evaluate loop
- :mod:`cvbook.book`     executing and checking the notebooks of the book

Subpackages are imported lazily (``import cvbook.analysis``), so ``import cvbook`` stays cheap.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
