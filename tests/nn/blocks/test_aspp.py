"""ASPP against torchvision's, and the segmentation heads."""
import pytest
import torch
from torchvision.models.segmentation.deeplabv3 import ASPP as TVASPP

from cvbook.nn.blocks import ASPP, SegHead
from cvbook.testing import assert_close


def test_aspp_equals_torchvision(generator):
    ours = ASPP(8, (1, 2, 3), out_channels=6)
    ref = TVASPP(8, [1, 2, 3], out_channels=6)
    torch.manual_seed(0)
    ref.load_state_dict(ours.state_dict())  # same module tree and names
    ours.eval(), ref.eval()
    x = torch.randn(2, 8, 9, 7, generator=generator)
    with torch.no_grad():
        assert_close(ours(x), ref(x))


def test_aspp_without_image_pooling_and_shapes(generator):
    a = ASPP(4, (2, 4), out_channels=5, image_pooling=False, dropout=0.0)
    assert len(a.convs) == 3 and a.project[0].in_channels == 15
    x = torch.randn(2, 4, 6, 5, generator=generator)
    assert a(x).shape == (2, 5, 6, 5)
    # the image-pooling branch is constant over the map
    b = ASPP(4, (2,), out_channels=3).eval()
    pooled = b.convs[-1](x)
    assert torch.allclose(pooled, pooled[..., :1, :1].expand_as(pooled))


def test_aspp_bad_input():
    with pytest.raises(ValueError, match="at least one atrous rate"):
        ASPP(4, ())
    with pytest.raises(ValueError, match="atrous rate must be >= 1"):
        ASPP(4, (0,))
    with pytest.raises(ValueError, match="dropout"):
        ASPP(4, (1,), dropout=1.5)


@pytest.mark.parametrize("kind,n_convs", [("3x3+1x1", 2), ("3x3", 1), ("1x1", 1)])
def test_seg_heads(generator, kind, n_convs):
    h = SegHead(6, 3, kind=kind, mid_channels=4)
    convs = [m for m in h.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == n_convs and convs[-1].out_channels == 3
    assert convs[0].kernel_size == ((1, 1) if kind == "1x1" else (3, 3))
    assert h(torch.randn(1, 6, 5, 4, generator=generator)).shape == (1, 3, 5, 4)
    with pytest.raises(ValueError, match="kind must be one of"):
        SegHead(6, 3, kind="5x5")
