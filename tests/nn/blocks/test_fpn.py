"""FeaturePyramidNetwork equal to torchvision's with copied weights; concat variant by shape."""
from collections import OrderedDict

import pytest
import torch
from torchvision.ops import FeaturePyramidNetwork as TVFPN
from torchvision.ops.feature_pyramid_network import LastLevelMaxPool

from cvbook.nn.blocks import FeaturePyramidNetwork
from cvbook.testing import assert_close


def copy_from_torchvision(ours, theirs):
    for mine, ref in zip(list(ours.inner_blocks) + list(ours.layer_blocks),
                         list(theirs.inner_blocks) + list(theirs.layer_blocks)):
        mine.weight.data.copy_(ref[0].weight.data)
        mine.bias.data.copy_(ref[0].bias.data)


@pytest.mark.parametrize("extra_pool", [False, True])
def test_equal_to_torchvision(extra_pool, generator):
    chans = [8, 16, 32]
    theirs = TVFPN(chans, 12, extra_blocks=LastLevelMaxPool() if extra_pool else None).double()
    ours = FeaturePyramidNetwork(chans, 12, extra_pool=extra_pool).double()
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in theirs.parameters())
    copy_from_torchvision(ours, theirs)
    x = OrderedDict((f"c{i}", torch.randn(2, c, 17 // 2**i + 1, 13 // 2**i + 1, generator=generator, dtype=torch.float64))
                    for i, c in enumerate(chans))
    out, ref = ours(x), theirs(x)
    assert list(out) == list(ref)
    for k in ref:
        assert_close(out[k], ref[k])
    as_list = ours(list(x.values()))
    assert_close(as_list[0], ref["c0"])


def test_concat_variant_and_bad_input(generator):
    fpn = FeaturePyramidNetwork([4, 8], 6, fuse="concat")
    out = fpn([torch.randn(1, 4, 8, 8, generator=generator), torch.randn(1, 8, 4, 4, generator=generator)])
    assert [tuple(o.shape) for o in out] == [(1, 6, 8, 8), (1, 6, 4, 4)]
    with pytest.raises(ValueError, match="fuse"):
        FeaturePyramidNetwork([4], 6, fuse="mul")
    with pytest.raises(ValueError, match="feature maps"):
        fpn([torch.randn(1, 4, 8, 8)])
