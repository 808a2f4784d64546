import pytest
import torch
from torch import nn

from cvbook.nn.norm import LayerNorm, layer_norm
from cvbook.testing import assert_module_matches


@pytest.mark.parametrize("shape", [(5,), (3, 4, 5)])
def test_matches_torch(dtype, shape):
    ours, ref = LayerNorm(shape, dtype=dtype), nn.LayerNorm(shape, dtype=dtype)
    with torch.no_grad():
        for m in (ours, ref):
            m.weight.copy_(torch.linspace(0.5, 1.5, m.weight.numel(), dtype=dtype).reshape(shape))
            m.bias.fill_(0.3)
    x = torch.randn(2, 3, 4, 5, dtype=dtype, generator=torch.Generator().manual_seed(0))
    # float32 sums of ~100 terms differ from torch's fused kernels in the last bits: the table's tolerance x 10
    assert_module_matches(ours, ref, x, scale=10.0)


def test_hand_value():
    # [1, 2, 3]: mean 2, biased variance 2/3, so the output is (-1, 0, 1) / sqrt(2/3)
    y = layer_norm(torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64), 3, eps=0.0)
    torch.testing.assert_close(y, torch.tensor([[-1.0, 0.0, 1.0]], dtype=torch.float64) / (2 / 3) ** 0.5)


def test_bad_inputs():
    with pytest.raises(ValueError, match="last dims"):
        layer_norm(torch.randn(2, 3), 4)
    with pytest.raises(ValueError, match="normalized_shape"):
        LayerNorm(())
