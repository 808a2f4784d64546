"""Paper-quality figures: style, sizes, palette, saving, image grids and heat maps."""
from cvbook.plot.grids import heatmap, image_grid, to_numpy_image
from cvbook.plot.reliability import reliability_diagram  # chapter 8
from cvbook.plot.colour_vision import CVD_MATRICES, min_colour_distance, simulate_cvd  # chapter 8
from cvbook.plot.pdf_check import PdfFont, pdf_fonts, pdf_page_size, pdf_raster_images  # chapter 8
from cvbook.plot.save import save_figure
from cvbook.plot.style import COLUMN_WIDTHS, PALETTE, PAPER_RC, figsize, paper_style, use_paper_style

__all__ = [
    "COLUMN_WIDTHS",
    "PALETTE",
    "PAPER_RC",
    "figsize",
    "heatmap",
    "image_grid",
    "paper_style",
    "reliability_diagram",
    "CVD_MATRICES", "PdfFont", "min_colour_distance", "pdf_fonts", "pdf_page_size", "pdf_raster_images",
    "simulate_cvd",
    "save_figure",
    "to_numpy_image",
    "use_paper_style",
]
