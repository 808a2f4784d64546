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


def test_harris_response_is_opencvs_positive_part_and_peaks_at_corners():
    import cv2
    import numpy as np

    from cvbook.experiments.ch07_superpoint import harris_response

    image = torch.zeros(1, 40, 40)
    image[0, 10:30, 10:30] = 1.0
    r = harris_response(image)
    ref = np.maximum(cv2.cornerHarris((image[0].numpy() * 255).round().astype(np.uint8).astype(np.float32) / 255,
                                      3, 3, 0.04), 0)
    assert r.shape == (40, 40) and bool((r >= 0).all())
    assert torch.equal(r, torch.from_numpy(ref.astype(np.float32)))
    # the strongest response lies within 2 px of one of the square's four corners
    y, x = divmod(int(r.argmax()), 40)
    assert min(abs(x - cx) + abs(y - cy) for cx in (9, 10, 29, 30) for cy in (9, 10, 29, 30)) <= 2
    assert float(harris_response(torch.full((1, 16, 16), 0.3)).max()) == 0.0  # flat: no corner
