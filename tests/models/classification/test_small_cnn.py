"""small_cnn: shapes for every norm and order, block count, seeding, the noisy-BN variant."""
import pytest
import torch

from cvbook.nn.norm import NORM_KINDS, BatchNorm2d, GroupNorm, NoisyBatchNorm2d
from cvbook.models import small_cnn


@pytest.mark.parametrize("norm", NORM_KINDS)
@pytest.mark.parametrize("order", ["norm_act", "act_norm"])
def test_shapes_and_order(norm, order):
    model = small_cnn(norm=norm, order=order, width=4, in_channels=3, num_classes=5)
    assert model(torch.randn(2, 3, 16, 16)).shape == (2, 5)
    names = [type(m).__name__ for m in model]
    if norm != "none":
        i_relu = names.index("ReLU")
        assert (i_relu == 2) == (order == "norm_act")  # conv, norm, relu  vs  conv, relu, norm


def test_blocks_count_and_last_map_size():
    model = small_cnn(norm="bn", width=2, blocks=4)
    assert sum(isinstance(m, BatchNorm2d) for m in model) == 4
    # 14 -> 7 -> 3 -> 1 after the three pools: the 4th BN sees a 1x1 map (14 // 2 // 2 // 2 = 1)
    feats = model[:-3](torch.randn(2, 1, 14, 14))
    assert feats.shape == (2, 16, 1, 1)
    assert sum(isinstance(m, torch.nn.MaxPool2d) for m in model) == 3
    with pytest.raises(ValueError, match="blocks"):
        small_cnn(blocks=0)


def test_same_seed_same_weights():
    a, b = small_cnn(seed=3), small_cnn(seed=3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(next(small_cnn(seed=4).parameters()), next(a.parameters()))


def test_bad_order():
    with pytest.raises(ValueError, match="order"):
        small_cnn(order="middle")


def test_noisy_bn_shifts_in_training_only():
    x = torch.randn(8, 3, 4, 4)
    noisy, plain = NoisyBatchNorm2d(3, noise=1.0), BatchNorm2d(3)
    assert not torch.allclose(noisy(x), plain(x))
    noisy.eval()
    plain.eval()
    noisy.load_state_dict(plain.state_dict())
    torch.testing.assert_close(noisy(x), plain(x))
    torch.testing.assert_close(NoisyBatchNorm2d(3, noise=0.0)(x), BatchNorm2d(3)(x))
    with pytest.raises(ValueError, match="noise"):
        NoisyBatchNorm2d(3, noise=-1.0)
