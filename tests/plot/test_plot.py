import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from cvbook.plot import PALETTE, figsize, heatmap, image_grid, paper_style, save_figure, to_numpy_image, use_paper_style  # noqa: E402


def test_figsize_is_column_width_times_aspect():
    assert figsize("single") == (3.5, 3.5 * 0.75)
    assert figsize("double", aspect=0.5, rows=2) == (7.0, 7.0)
    with pytest.raises(ValueError, match="column must be one of"):
        figsize("triple")
    with pytest.raises(ValueError, match="must be positive"):
        figsize("single", aspect=0)


def test_palette_is_okabe_ito_and_used_as_cycle():
    assert PALETTE[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert len(set(PALETTE)) == 8
    with paper_style():
        assert matplotlib.rcParams["pdf.fonttype"] == 42
        assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"] == PALETTE
    use_paper_style()
    assert matplotlib.rcParams["font.size"] == 8


def test_save_figure_writes_pdf_with_truetype_fonts_and_png(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="line")
    ax.set_xlabel("x label")
    pdf, png = save_figure(fig, "demo", folder=tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    # fonttype 42 embeds TrueType outlines (as /TrueType or a /CIDFontType2 descendant), never Type 3 bitmaps
    assert (b"/TrueType" in data or b"/CIDFontType2" in data) and b"/Type3" not in data
    plt.close(fig)
    with pytest.raises(ValueError, match="bare file stem"):
        save_figure(plt.figure(), "a/b.pdf", folder=tmp_path)
    with pytest.raises(TypeError, match="matplotlib Figure"):
        save_figure("not a figure", "x", folder=tmp_path)


def test_to_numpy_image_handles_layouts():
    assert to_numpy_image(torch.zeros(1, 5, 6)).shape == (5, 6)
    assert to_numpy_image(torch.zeros(3, 5, 6)).shape == (5, 6, 3)
    assert to_numpy_image(np.zeros((5, 6, 3))).shape == (5, 6, 3)
    with pytest.raises(ValueError, match="expected an image"):
        to_numpy_image(torch.zeros(2, 5, 6))


def test_image_grid_layout_and_errors():
    fig = image_grid(torch.rand(5, 1, 8, 8), titles=list("abcde"), ncols=3)
    axes = fig.get_axes()
    assert len(axes) == 6  # 2 rows x 3 columns
    assert [a.get_title() for a in axes[:5]] == list("abcde")
    assert len(axes[5].images) == 0  # the spare cell is empty
    plt.close(fig)
    with pytest.raises(ValueError, match="titles for"):
        image_grid(torch.rand(2, 8, 8), titles=["one"])
    with pytest.raises(ValueError, match="at least one image"):
        image_grid([])


def test_heatmap_annotates_every_cell():
    fig, ax = plt.subplots()
    m = np.array([[0.0, 1.0], [2.0, 3.5]])
    heatmap(ax, m, xticklabels=["a", "b"], yticklabels=["r", "s"], fmt=".1f")
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == ["0.0", "1.0", "2.0", "3.5"]
    with pytest.raises(ValueError, match="2-D matrix"):
        heatmap(ax, np.zeros(3))
    with pytest.raises(ValueError, match="xticklabels has 1 entries"):
        heatmap(ax, m, xticklabels=["a"])
    plt.close(fig)


def test_heatmap_text_contrasts_with_the_cell_colour():
    fig, ax = plt.subplots()
    heatmap(ax, np.array([[0.0, 1.0]]), cmap="Greys", colorbar=False)  # Greys: 0 is white, 1 is black
    colours = [t.get_color() for t in ax.texts]
    assert colours == ["black", "white"]
    plt.close(fig)
