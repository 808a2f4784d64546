"""cvbook.analysis.memory (the chapter-4 memory measurement; kept with the model tests it serves)."""
import pytest
import torch
from torch import nn

from cvbook.analysis.memory import cuda_peak_memory, saved_activation_bytes
from cvbook.models import DenseNet


def test_hand_count_linear_relu():
    # Linear saves its input (2x4 float32 = 32 bytes) and weight.t() (a parameter: excluded);
    # ReLU saves its output (2x8 float32 = 64 bytes). Total 96.
    torch.manual_seed(0)
    m = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
    assert saved_activation_bytes(m, torch.randn(2, 4)) == 32 + 64


def test_hand_count_conv_relu():
    m = nn.Sequential(nn.Conv2d(1, 2, 3, bias=False), nn.ReLU())
    x = torch.randn(1, 1, 5, 5)
    # conv saves the input (25 floats = 100 bytes); ReLU saves its output (2*3*3 floats = 72 bytes)
    assert saved_activation_bytes(m, x) == 100 + 72


def test_memory_efficient_densenet_saves_less():
    torch.manual_seed(0)
    plain = DenseNet(growth=8, blocks=(4, 4), init_features=16, num_classes=3)
    eff = DenseNet(growth=8, blocks=(4, 4), init_features=16, num_classes=3, memory_efficient=True)
    x = torch.randn(2, 3, 32, 32)
    a, b = saved_activation_bytes(plain, x), saved_activation_bytes(eff, x)
    assert 0 < b < a


def test_errors():
    with pytest.raises(TypeError, match="must be an nn.Module"):
        saved_activation_bytes(lambda x: x, torch.randn(1))
    with pytest.raises(TypeError, match="tuple of tensors"):
        saved_activation_bytes(nn.ReLU(), [1, 2])
    with pytest.raises(ValueError, match="needs CUDA inputs"):
        cuda_peak_memory(nn.ReLU(), torch.randn(2))
