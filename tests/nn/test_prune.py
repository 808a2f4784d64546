"""Filter pruning: masks equal torch.nn.utils.prune.ln_structured; removing filters equals zeroing them."""
import copy

import pytest
import torch
from torch import nn
from torch.nn.utils import prune

from cvbook.nn.prune import filter_norms, filter_prune_mask, kept_filters, remove_filters
from cvbook.testing import assert_close


def _conv(cin=3, cout=8, seed=0):
    torch.manual_seed(seed)
    return nn.Conv2d(cin, cout, 3, padding=1)


@pytest.mark.parametrize("amount", [0.0, 0.25, 0.5, 0.7, 3, 8])
@pytest.mark.parametrize("p", [1, 2])
def test_mask_equals_torch_ln_structured(amount, p):
    conv = _conv()
    ref = copy.deepcopy(conv)
    prune.ln_structured(ref, "weight", amount=amount, n=p, dim=0)
    assert torch.equal(filter_prune_mask(conv.weight, amount, p), ref.weight_mask)


def test_norms_by_hand():
    # filter 0: |1| + |-2| = 3 (L1), sqrt(5) (L2); filter 1: zeros
    w = torch.tensor([[[[1.0, -2.0]]], [[[0.0, 0.0]]]])
    assert_close(filter_norms(w, 1), torch.tensor([3.0, 0.0]))
    assert_close(filter_norms(w, 2), torch.tensor([5.0 ** 0.5, 0.0]))
    assert kept_filters(w, 1).tolist() == [0]


@pytest.mark.parametrize("following", ["conv", "linear"])
def test_removed_filters_compute_what_zeroed_filters_compute(following):
    conv = _conv(3, 8)
    torch.manual_seed(1)
    nxt = nn.Conv2d(8, 5, 3, padding=1) if following == "conv" else nn.Linear(8 * 4 * 4, 5)
    keep = kept_filters(conv.weight, 0.5)
    zeroed = copy.deepcopy(conv)
    with torch.no_grad():
        mask = filter_prune_mask(conv.weight, 0.5)
        zeroed.weight.mul_(mask)
        zeroed.bias.mul_(mask[:, 0, 0, 0])
    small, small_next = remove_filters(conv, keep, nxt)
    assert small.out_channels == 4 and small.weight.shape == (4, 3, 3, 3)
    x = torch.randn(2, 3, 4, 4, generator=torch.Generator().manual_seed(2))
    flat = nn.Flatten() if following == "linear" else nn.Identity()
    ref = nxt(flat(torch.relu(zeroed(x))))
    assert_close(small_next(flat(torch.relu(small(x)))), ref)


def test_bad_input():
    conv = _conv()
    with pytest.raises(ValueError, match="weight must be"):
        filter_norms(torch.zeros(0, 3))
    with pytest.raises(ValueError, match="p must be > 0"):
        filter_norms(conv.weight, 0)
    with pytest.raises(ValueError, match=r"fraction must lie in \[0, 1\]"):
        kept_filters(conv.weight, 1.5)
    with pytest.raises(ValueError, match="count must lie in"):
        kept_filters(conv.weight, 9)
    with pytest.raises(ValueError, match="keep must be distinct"):
        remove_filters(conv, torch.tensor([], dtype=torch.long), nn.Conv2d(8, 2, 1))
    with pytest.raises(ValueError, match="keep must be distinct"):
        remove_filters(conv, torch.tensor([1, 1]), nn.Conv2d(8, 2, 1))
    with pytest.raises(ValueError, match="must read the 8 channels"):
        remove_filters(conv, torch.tensor([0]), nn.Conv2d(7, 2, 1))
    with pytest.raises(TypeError, match="following must be"):
        remove_filters(conv, torch.tensor([0]), nn.ReLU())
    with pytest.raises(ValueError, match="groups=1"):
        remove_filters(nn.Conv2d(8, 8, 1, groups=2), torch.tensor([0]), nn.Conv2d(8, 2, 1))
