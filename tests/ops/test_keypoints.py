"""Keypoint labels (dustbin 64, 0-based), their inverse, and the decoding of detector logits."""
import math

import pytest
import torch

from cvbook.ops import (depth_to_space, detect_keypoints, heatmap_nms, keypoints_to_labels, labels_to_keypoints,
                        logits_to_heatmap)
from cvbook.testing import assert_close


def _one_per_cell(generator, hc=6, wc=7, cell=8):
    occupied = torch.rand(hc, wc, generator=generator) < 0.5
    rows, cols = torch.nonzero(occupied, as_tuple=True)
    inner = torch.randint(cell * cell, (len(rows),), generator=generator)
    return torch.stack([cols * cell + inner % cell, rows * cell + inner // cell], 1)


def test_round_trip_on_random_keypoints(generator):
    for _ in range(5):
        kp = _one_per_cell(generator)
        labels = keypoints_to_labels(kp, (48, 56))
        assert labels.shape == (6, 7) and labels.dtype == torch.int64
        back = labels_to_keypoints(labels)
        assert sorted(map(tuple, back.tolist())) == sorted(map(tuple, kp.tolist()))


def test_hand_made_labels():
    # (x, y) = (11, 2): cell (row 0, col 1), inside it row 2, col 3 -> 2 * 8 + 3 = 19
    labels = keypoints_to_labels(torch.tensor([[11, 2], [7, 15]]), (16, 16))
    # (7, 15): cell (1, 0), inside row 7, col 7 -> 63; the two empty cells hold the dustbin 64
    assert labels.tolist() == [[64, 19], [63, 64]]


def test_float_keypoints_are_floored():
    assert keypoints_to_labels(torch.tensor([[11.9, 2.0]]), (16, 16))[0, 1] == 19


def test_crowded_cell_keeps_one_of_its_keypoints_at_random():
    kp = torch.tensor([[0, 0], [5, 6]])  # both in cell (0, 0): classes 0 and 6 * 8 + 5 = 53
    seen = set()
    for seed in range(40):
        g = torch.Generator().manual_seed(seed)
        label = int(keypoints_to_labels(kp, (8, 8), generator=g)[0, 0])
        assert label in (0, 53)
        seen.add(label)
    assert seen == {0, 53}  # both are drawn (probability of missing one: 2 * 0.5**40)
    a = keypoints_to_labels(kp, (8, 8), generator=torch.Generator().manual_seed(3))
    b = keypoints_to_labels(kp, (8, 8), generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


def test_empty_and_all_dustbin():
    labels = keypoints_to_labels(torch.zeros(0, 2), (16, 24))
    assert labels.shape == (2, 3) and (labels == 64).all()
    assert labels_to_keypoints(labels).shape == (0, 2)


def test_other_cell_sizes():
    labels = keypoints_to_labels(torch.tensor([[5, 1]]), (4, 8), cell=4)  # cell (0, 1), inner 1 * 4 + 1
    assert labels.tolist() == [[16, 5]]
    assert labels_to_keypoints(labels, cell=4).tolist() == [[5, 1]]


def test_bad_input():
    with pytest.raises(ValueError, match="inside"):
        keypoints_to_labels(torch.tensor([[16, 0]]), (16, 16))
    with pytest.raises(ValueError, match="multiples of cell"):
        keypoints_to_labels(torch.zeros(0, 2), (12, 16))
    with pytest.raises(ValueError, match="shape"):
        keypoints_to_labels(torch.zeros(3), (16, 16))
    with pytest.raises(ValueError, match="0 .. 64"):
        labels_to_keypoints(torch.tensor([[65]]))
    with pytest.raises(ValueError, match="integer"):
        labels_to_keypoints(torch.tensor([[1.0]]))


def test_heatmap_is_softmax_without_dustbin(generator, dtype):
    logits = torch.randn(2, 65, 3, 4, generator=generator, dtype=dtype)
    heat = logits_to_heatmap(logits)
    assert heat.shape == (2, 24, 32)
    prob = torch.softmax(logits, 1)
    assert_close(heat[:, None], depth_to_space(prob[:, :64], 8))
    # each cell's 64 pixels sum to 1 - p(dustbin)
    cell_sums = heat.view(2, 3, 8, 4, 8).sum((2, 4))
    assert_close(cell_sums, 1 - prob[:, 64])


def test_heatmap_is_finite_at_large_logit_scales():
    # the diary's logits reach 80 in some cells: exp(80 * 10) overflows float32, softmax does not
    logits = torch.zeros(1, 65, 1, 2)
    logits[0, 7, 0, 0] = 800.0
    logits[0, :, 0, 1] = -400.0
    logits[0, 64, 0, 1] = 0.0
    assert not torch.isfinite(torch.exp(logits)).all()
    heat = logits_to_heatmap(logits)
    assert torch.isfinite(heat).all()
    assert heat[0, 0, 7] == 1.0 and heat[0, :, 8:].max() < 1e-30


def test_nms_keeps_strongest_and_suppresses_within_radius():
    heat = torch.zeros(20, 20)
    heat[10, 10] = 0.9
    heat[12, 13] = 0.5  # Chebyshev distance 3 <= 4: suppressed
    heat[10, 15] = 0.4  # distance 5: kept
    heat[1, 1] = 0.8  # inside the 4-px border: removed
    heat[10, 5] = 0.01  # below 0.015
    k = heatmap_nms(heat, threshold=0.015, nms_radius=4, border=4)
    assert k.points.tolist() == [[10.0, 10.0], [15.0, 10.0]]
    assert_close(k.scores, torch.tensor([0.9, 0.4]))
    assert len(heatmap_nms(heat, threshold=0.001, nms_radius=4, border=0)) == 4
    assert len(heatmap_nms(heat, threshold=0.015, nms_radius=0, border=0)) == 4
    assert len(heatmap_nms(heat, 0.015, 4, 4, top_k=1)) == 1


def test_nms_empty():
    k = heatmap_nms(torch.zeros(8, 8))
    assert k.points.shape == (0, 2) and len(k) == 0


def test_detect_recovers_the_encoded_keypoints(generator):
    kp = _one_per_cell(generator, hc=4, wc=5)
    kp = kp[(kp[:, 0] >= 4) & (kp[:, 0] < 36) & (kp[:, 1] >= 4) & (kp[:, 1] < 28)]  # away from the border
    labels = keypoints_to_labels(kp, (32, 40))
    logits = torch.nn.functional.one_hot(labels, 65).permute(2, 0, 1)[None].float() * 10
    found = detect_keypoints(logits, threshold=0.5, nms_radius=0)[0]
    assert sorted(map(tuple, found.points.long().tolist())) == sorted(map(tuple, kp.tolist()))
    # a confident one-hot cell scores e^10 / (e^10 + 64)
    assert_close(found.scores, torch.full((len(kp),), math.exp(10) / (math.exp(10) + 64)))


def test_decoding_bad_input():
    with pytest.raises(ValueError, match="65 channels"):
        logits_to_heatmap(torch.zeros(1, 64, 2, 2))
    with pytest.raises(ValueError, match="threshold"):
        heatmap_nms(torch.zeros(4, 4), threshold=-1.0)
    with pytest.raises(ValueError, match="nms_radius"):
        heatmap_nms(torch.zeros(4, 4), nms_radius=-1)
