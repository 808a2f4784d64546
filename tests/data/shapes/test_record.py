"""Every view of the procedural scenes records itself, so an executed notebook's metadata names the data."""
import pytest

from cvbook.data.shapes import make_crowd_batch, make_detection_batch, make_keypoint_set, make_multilabel_set, make_shapes_classification
from cvbook.runtime import data_used


@pytest.mark.parametrize("make, view", [
    (lambda: make_detection_batch(2, seed=0), "detection view"),
    (lambda: make_crowd_batch(2, seed=0), "crowded-pairs view"),
    (lambda: make_keypoint_set(2, seed=0), "keypoint view"),
    (lambda: make_shapes_classification(2, seed=0), "classification view"),
    (lambda: make_multilabel_set(2, seed=0), "multi-label view"),
])
def test_each_view_records_the_data(make, view):
    make()
    assert f"procedural shape scenes (cvbook.data.shapes, {view})" in data_used()
