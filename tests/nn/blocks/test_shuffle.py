"""Channel shuffle: a fixed permutation of channels."""
import pytest
import torch

from cvbook.nn.blocks import ChannelShuffle, channel_shuffle


def test_hand_permutation():
    # 6 channels, 2 groups [0 1 2 | 3 4 5] -> one from each group in turn: [0 3 1 4 2 5]
    x = torch.arange(6.0).view(1, 6, 1, 1)
    assert channel_shuffle(x, 2).flatten().tolist() == [0, 3, 1, 4, 2, 5]
    assert ChannelShuffle(3)(x).flatten().tolist() == [0, 2, 4, 1, 3, 5]


def test_inverse_is_shuffle_with_complementary_groups(generator):
    x = torch.randn(2, 12, 3, 3, generator=generator)
    # shuffling with g groups of n channels is undone by shuffling with n groups
    assert torch.equal(channel_shuffle(channel_shuffle(x, 3), 4), x)


def test_every_output_group_draws_from_every_input_group():
    g, n = 4, 3
    src = channel_shuffle(torch.arange(float(g * n)).view(1, -1, 1, 1), g).flatten().long()
    for out_group in src.view(n, g):  # after shuffling, consecutive blocks of g channels
        assert sorted((out_group // n).tolist()) == list(range(g))


def test_errors():
    with pytest.raises(ValueError, match="must be positive and divide"):
        channel_shuffle(torch.randn(1, 6, 2, 2), 4)
    with pytest.raises(ValueError, match="expected \\(B, C, H, W\\)"):
        channel_shuffle(torch.randn(6, 2, 2), 2)
