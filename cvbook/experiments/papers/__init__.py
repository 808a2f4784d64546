"""Chapter 8 drivers: one module per paper page (sweeps, training recipes, table builders).

- :mod:`~cvbook.experiments.papers.erf`: effective receptive fields of conv stacks, Gaussian fits.
- :mod:`~cvbook.experiments.papers.triplet`: P×K batches and triplet-mining runs on digits.
- :mod:`~cvbook.experiments.papers.calibration`: plain / label smoothing / mixup runs and their calibration.
- :mod:`~cvbook.experiments.papers.inpainting`: synthetic masks and the inpainting comparison table.
- :mod:`~cvbook.experiments.papers.texture_shape`: cue-conflict images from textures and silhouettes, shape bias.
- :mod:`~cvbook.experiments.papers.center_loss`: 2-D digit embeddings with softmax, center loss, CosFace.
- :mod:`~cvbook.experiments.papers.nas`: one-shot NAS (SPOS) on digits: supernet training, per-path search with BN
  recalibration, Kendall τ.
- :mod:`~cvbook.experiments.papers.compression`: filter pruning, 8-bit quantisation, distillation and groupable
  → group conv on digits; accuracy/size/latency table.
"""
__all__: list[str] = []
