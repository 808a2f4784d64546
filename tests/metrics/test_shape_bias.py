"""Shape bias (Geirhos et al. 2019): counts worked by hand, exclusions, errors."""
import pytest
import torch

from cvbook.metrics import ShapeBias, shape_bias


def test_hand_counted_case():
    shape = torch.tensor([0, 1, 2, 0, 1, 2, 0])
    texture = torch.tensor([1, 2, 0, 2, 0, 1, 0])     # the last image has no conflict (0, 0): excluded
    pred = torch.tensor([0, 2, 2, 1, 0, 0, 1])
    # image 0: shape; 1: texture; 2: shape; 3: other (1 is neither 0 nor 2); 4: texture; 5: other; 6: excluded
    assert shape_bias(pred, shape, texture) == ShapeBias(shape=2, texture=2, other=2, excluded=1, bias=0.5)


def test_extremes_and_symmetry():
    shape, texture = torch.tensor([0, 1, 2]), torch.tensor([1, 2, 0])
    assert shape_bias(shape, shape, texture).bias == 1.0
    assert shape_bias(texture, shape, texture).bias == 0.0
    # swapping the roles of shape and texture turns b into 1 - b
    pred = torch.tensor([0, 2, 0])
    assert shape_bias(pred, shape, texture).bias + shape_bias(pred, texture, shape).bias == 1.0


def test_errors():
    with pytest.raises(ValueError, match="one length"):
        shape_bias(torch.tensor([0, 1]), torch.tensor([0]), torch.tensor([1]))
    with pytest.raises(ValueError, match="integer Tensor"):
        shape_bias(torch.tensor([0.0]), torch.tensor([0]), torch.tensor([1]))
    with pytest.raises(ValueError, match="undefined"):
        shape_bias(torch.tensor([2]), torch.tensor([0]), torch.tensor([1]))      # neither shape nor texture
    with pytest.raises(ValueError, match="undefined"):
        shape_bias(torch.tensor([0]), torch.tensor([0]), torch.tensor([0]))      # only non-conflict images
    with pytest.raises(ValueError, match="undefined"):
        empty = torch.zeros(0, dtype=torch.long)
        shape_bias(empty, empty, empty)
