"""Octave convolution: keep a fraction alpha of the channels at half resolution (low frequency)."""
from __future__ import annotations


import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["OctaveConv"]


class OctaveConv(nn.Module):
    """``(X_H, X_L) -> (Y_H, Y_L)``: ``Y_H = f(X_H; W_HH) + up(f(X_L; W_LH))``,
    ``Y_L = f(X_L; W_LL) + f(pool(X_H); W_HL)``.

    X_H is ``(B, (1-alpha_in) in_channels, H, W)``, X_L is ``(B, alpha_in in_channels, H/2, W/2)`` (``None`` when
    alpha_in = 0, e.g. the first layer); outputs likewise with alpha_out. The four kernels together
    have exactly the parameters of one ``in_channels -> out_channels`` conv; the low-frequency part costs a quarter
    per position, which is where the savings come from.

    Reference: Chen et al., "Drop an Octave: Reducing Spatial Redundancy in CNNs with Octave
    Convolution", ICCV 2019, Fig. 2.
    Taught in: notebooks/04_architectures/08_block_zoo.ipynb
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, alpha_in: float = 0.5,
                 alpha_out: float = 0.5) -> None:
        super().__init__()
        if not (0 <= alpha_in < 1 and 0 <= alpha_out < 1):
            raise ValueError(f"alpha_in and alpha_out must be in [0, 1), got {alpha_in}, {alpha_out}")
        lin, lout = int(alpha_in * in_channels), int(alpha_out * out_channels)
        hin, hout = in_channels - lin, out_channels - lout
        p = kernel_size // 2
        conv = lambda a, b: nn.Conv2d(a, b, kernel_size, 1, p, bias=False) if a and b else None  # noqa: E731
        self.hh, self.hl, self.lh, self.ll = conv(hin, hout), conv(hin, lout), conv(lin, hout), conv(lin, lout)
        self.channels = (hin, lin, hout, lout)

    def forward(self, xh: Tensor, xl: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        hin, lin, _, _ = self.channels
        if xh.shape[1] != hin or (lin and (xl is None or xl.shape[1] != lin)):
            raise ValueError(f"expected {hin} high- and {lin} low-frequency channels, got "
                             f"{xh.shape[1]} and {None if xl is None else xl.shape[1]}")
        yh = self.hh(xh)
        if self.lh is not None:
            yh = yh + F.interpolate(self.lh(xl), scale_factor=2, mode="nearest")
        yl = None
        if self.hl is not None:
            yl = self.hl(F.avg_pool2d(xh, 2))
            if self.ll is not None:
                yl = yl + self.ll(xl)
        return yh, yl
