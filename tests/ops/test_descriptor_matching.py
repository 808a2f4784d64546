"""Descriptor sampling at keypoints and mutual nearest-neighbour matching (OpenCV's cross-checked BFMatcher)."""
import cv2
import pytest
import torch
import torch.nn.functional as F

from cvbook.ops.matching import mutual_nearest_neighbours, sample_descriptors
from cvbook.testing import assert_close


def test_sample_at_cell_centres_gives_the_cells_descriptor(dtype):
    desc = F.normalize(torch.randn(5, 3, 4, generator=torch.Generator().manual_seed(0), dtype=dtype), dim=0)
    # cell (h, w) = (2, 1) has centre (x, y) = (8 * 1 + 3.5, 8 * 2 + 3.5)
    out = sample_descriptors(desc, torch.tensor([[11.5, 19.5], [3.5, 3.5]], dtype=dtype))
    assert out.shape == (2, 5)
    assert_close(out[0], desc[:, 2, 1])
    assert_close(out[1], desc[:, 0, 0])


def test_sample_between_two_cells_is_their_normalised_mean(dtype):
    desc = torch.zeros(2, 1, 2, dtype=dtype)
    desc[0, 0, 0] = 1.0  # cell (0, 0): (1, 0); cell (0, 1): (0, 1)
    desc[1, 0, 1] = 1.0
    # halfway between the centres x = 3.5 and x = 11.5: bilinear gives (0.5, 0.5), normalised (1, 1) / sqrt 2
    out = sample_descriptors(desc, torch.tensor([[7.5, 3.5]], dtype=dtype))
    assert_close(out[0], torch.tensor([1.0, 1.0], dtype=dtype) / 2 ** 0.5)


def test_sample_empty_and_bad_shapes():
    assert sample_descriptors(torch.zeros(4, 2, 2), torch.zeros(0, 2)).shape == (0, 4)
    with pytest.raises(ValueError, match="points"):
        sample_descriptors(torch.zeros(4, 2, 2), torch.zeros(3))


def test_mutual_nearest_neighbours_matches_opencv_cross_check():
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(40, 8, generator=g), torch.randn(30, 8, generator=g)
    ours = mutual_nearest_neighbours(a, b)
    bf = cv2.BFMatcher(cv2.NORM_L2, crossCheck=True)
    ref = sorted((m.queryIdx, m.trainIdx) for m in bf.match(a.numpy(), b.numpy()))
    assert [tuple(p) for p in ours.tolist()] == ref


def test_mutual_nearest_neighbours_by_hand():
    a = torch.tensor([[0.0, 0.0], [10.0, 0.0], [10.5, 0.0]])
    b = torch.tensor([[0.1, 0.0], [10.4, 0.0]])
    # a0 <-> b0 mutual; a1 and a2 both pick b1, whose nearest is a2: only (2, 1) survives the check
    assert mutual_nearest_neighbours(a, b).tolist() == [[0, 0], [2, 1]]


def test_mutual_nearest_neighbours_empty_and_bad():
    assert mutual_nearest_neighbours(torch.zeros(0, 4), torch.zeros(3, 4)).shape == (0, 2)
    with pytest.raises(ValueError, match="one length"):
        mutual_nearest_neighbours(torch.zeros(2, 4), torch.zeros(2, 3))
