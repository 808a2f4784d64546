"""Boundary and area perturbations, against hand counts."""
import pytest
import torch

from cvbook.experiments.ch06_segmentation import flip_area, perturb_boundary


def _scene():
    sem = torch.zeros(10, 10, dtype=torch.int64)
    inst = torch.zeros(10, 10, dtype=torch.int64)
    sem[2:5, 2:5], inst[2:5, 2:5] = 1, 1   # a 3x3 square of class 1 (9 px)
    sem[7:9, 7:9], inst[7:9, 7:9] = 2, 2   # a 2x2 square of class 2 (4 px), away from the first and the border
    return sem, inst


def test_dilate_and_erode_by_hand():
    sem, inst = _scene()
    d = perturb_boundary(sem, inst, 1, "dilate")
    assert int((d == 1).sum()) == 25            # the 3x3 square grows to 5x5
    assert int((d == 2).sum()) == 16            # the 2x2 square grows to 4x4
    e = perturb_boundary(sem, inst, 1, "erode")
    assert int((e == 1).sum()) == 1             # only the centre of the 3x3 square survives
    assert int((e == 2).sum()) == 0             # a 2x2 square has no interior pixel
    assert torch.equal(sem, _scene()[0])        # the input is not modified


def test_flip_area_takes_largest_object_first():
    sem, inst = _scene()
    out = flip_area(sem, inst, 9, num_classes=3)
    assert int((out != sem).sum()) == 9 and bool((out[2:5, 2:5] == 2).all())   # class 1 -> 2, all of it
    part = flip_area(sem, inst, 1, num_classes=3)
    assert int((part != sem).sum()) == 1 and int(part[3, 3]) == 2               # the centre pixel first
    both = flip_area(sem, inst, 11, num_classes=3)
    assert int((both != sem).sum()) == 11 and int((both[7:9, 7:9] == 1).sum()) == 2  # class 2 -> 1
    assert torch.equal(flip_area(sem, inst, 100, num_classes=3) != sem, inst > 0)  # at most every object pixel
    assert torch.equal(flip_area(sem, inst, 0, num_classes=3), sem)


def test_empty_scene_is_unchanged():
    sem = torch.zeros(4, 4, dtype=torch.int64)
    assert torch.equal(perturb_boundary(sem, sem, 1, "dilate"), sem)
    assert torch.equal(flip_area(sem, sem, 5, num_classes=3), sem)


def test_bad_input():
    sem, inst = _scene()
    with pytest.raises(ValueError, match="mode"):
        perturb_boundary(sem, inst, 1, "open")
    with pytest.raises(ValueError, match="same shape"):
        perturb_boundary(sem, inst[:4], 1, "dilate")
    with pytest.raises(TypeError, match="integer"):
        flip_area(sem.float(), inst, 1, num_classes=3)
    with pytest.raises(ValueError):
        flip_area(sem, inst, -1, num_classes=3)
    with pytest.raises(ValueError):
        flip_area(sem, inst, 1, num_classes=2)
    with pytest.raises(ValueError):
        perturb_boundary(sem, inst, 0, "erode")
