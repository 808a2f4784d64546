"""The small valid-convolution net and its input padding."""
import pytest
import torch
import torch.nn.functional as F

from cvbook.models import create
from cvbook.models.segmentation import PADDINGS, SmallValidNet
from cvbook.testing import assert_close


def test_padded_variants_equal_the_core_on_the_padded_image(generator):
    x = torch.randn(2, 3, 20, 17, generator=generator)
    base = SmallValidNet(3, depth=4, width=5, input_padding="none").eval()
    for pad, mode in (("zeros", "constant"), ("reflect", "reflect"), ("replicate", "replicate")):
        net = SmallValidNet(3, depth=4, width=5, input_padding=pad).eval()
        net.load_state_dict(base.state_dict())
        with torch.no_grad():
            assert_close(net(x), base.core(F.pad(x, (4,) * 4, mode=mode)))


def test_no_padding_copies_the_nearest_computed_logit_into_the_band(generator):
    net = create("small_valid", seed=0, num_classes=2, depth=3, input_padding="none").eval()
    x = torch.randn(1, 3, 12, 15, generator=generator)
    with torch.no_grad():
        out, core = net(x), net.core(x)
    assert out.shape == (1, 2, 12, 15) and core.shape == (1, 2, 6, 9)
    assert_close(out[..., 3:-3, 3:-3], core)
    assert_close(out[..., 0, 0], core[..., 0, 0])      # a corner takes the inner corner's logit
    assert_close(out[..., 1, 7], core[..., 0, 4])      # a top-band pixel takes the first computed row


def test_bad_arguments_and_degenerate_sizes():
    with pytest.raises(ValueError, match="input_padding"):
        SmallValidNet(input_padding="mirror")
    with pytest.raises(ValueError, match="larger than 2"):
        SmallValidNet(depth=3, input_padding="none")(torch.zeros(1, 3, 6, 9))
    with pytest.raises(ValueError, match="reflect"):
        SmallValidNet(depth=3, input_padding="reflect")(torch.zeros(1, 3, 3, 9))
    out = SmallValidNet(2, depth=3, input_padding="zeros").eval()(torch.zeros(1, 3, 1, 1))
    assert out.shape == (1, 2, 1, 1)  # one pixel in, one pixel out
    assert set(PADDINGS) == {"none", "zeros", "reflect", "replicate"}
