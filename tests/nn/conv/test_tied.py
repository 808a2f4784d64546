"""tied_concat_conv: conv(a + b) equals the tied kernel [W, W] over cat([a, b])."""
import pytest
import torch
from torch import nn

from cvbook.nn import tied_concat_conv


def test_add_then_conv_equals_concat_then_tied_conv():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(2, 4, 6, 6, generator=g, dtype=torch.float64), torch.randn(2, 4, 6, 6, generator=g, dtype=torch.float64)
    conv = nn.Conv2d(4, 5, 3, padding=1).double()
    twin = tied_concat_conv(conv)
    assert twin.weight.shape == (5, 8, 3, 3)
    assert torch.allclose(conv(a + b), twin(torch.cat([a, b], 1)))
    # an untied concat conv (independent halves) is strictly more general: it need not equal the add
    free = nn.Conv2d(8, 5, 3, padding=1).double()
    assert not torch.allclose(conv(a + b), free(torch.cat([a, b], 1)))
    with pytest.raises(TypeError, match="nn.Conv2d"):
        tied_concat_conv(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="groups=1"):
        tied_concat_conv(nn.Conv2d(4, 4, 3, groups=2))
