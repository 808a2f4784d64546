"""The chapter-7 OpenCV baselines find the corners of a hand-made square."""
import pytest
import torch

from cvbook.experiments.ch07_superpoint import BASELINES
from cvbook.metrics import keypoint_pr


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_baselines_find_the_square_corners(name):
    image = torch.zeros(1, 48, 48)
    image[0, 12:36, 12:36] = 0.8  # corners at pixels (12, 12), (35, 12), (12, 35), (35, 35)
    # slightly blurred, like a rendered scene (OpenCV's FAST finds no corner on a perfectly sharp square)
    image = torch.nn.functional.avg_pool2d(image[None], 3, 1, 1, count_include_pad=False)[0]
    corners = torch.tensor([[12.0, 12.0], [35.0, 12.0], [12.0, 35.0], [35.0, 35.0]])
    found = BASELINES[name](image)
    assert len(found) >= 4
    assert (found.scores[:-1] >= found.scores[1:]).all()  # strongest first
    pr = keypoint_pr([found.points[:4]], [found.scores[:4]], [corners], eps=3)
    assert pr.correct.all()  # the four strongest responses are the four corners


def test_flat_image_has_no_corners():
    for fn in BASELINES.values():
        assert len(fn(torch.full((1, 32, 32), 0.5))) == 0
