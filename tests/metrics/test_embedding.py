"""Class separation of an embedding: brute-force loops (numpy), a hand-worked case, invariances, errors."""
import math

import numpy as np
import pytest
import torch

from cvbook.metrics import class_separation
from cvbook.testing import assert_close


def _brute(x: np.ndarray, y: np.ndarray):
    classes = sorted(set(y.tolist()))
    c = {k: x[y == k].mean(0) for k in classes}
    intra = np.mean([np.linalg.norm(x[i] - c[y[i]]) for i in range(len(y))])
    inter = np.mean([min(np.linalg.norm(c[a] - c[b]) for b in classes if b != a) for a in classes])

    def ang(u, v):
        return math.degrees(math.acos(np.clip(u @ v / np.linalg.norm(u) / np.linalg.norm(v), -1, 1)))
    ia = np.mean([ang(x[i], c[y[i]]) for i in range(len(y))])
    ea = np.mean([min(ang(c[a], c[b]) for b in classes if b != a) for a in classes])
    return intra, inter, intra / inter, ia, ea


def test_against_brute_force(generator):
    x = torch.randn(60, 3, generator=generator, dtype=torch.float64) + 2.0
    y = torch.randint(0, 4, (60,), generator=generator) * 2          # labels 0, 2, 4, 6: gaps are fine
    s = class_separation(x, y)
    got = torch.tensor([s.intra, s.inter, s.ratio, s.intra_angle, s.inter_angle], dtype=torch.float64)
    assert_close(got, torch.tensor(_brute(x.numpy(), y.numpy()), dtype=torch.float64))


def test_hand_worked_case():
    # class 0 at (1, 0) +- (0, 1), class 1 at (0, 1) +- (1, 0): centres (1, 0) and (0, 1)
    x = torch.tensor([[1.0, 1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]], dtype=torch.float64)
    s = class_separation(x, torch.tensor([0, 0, 1, 1]))
    assert_close(torch.tensor([s.intra, s.inter, s.intra_angle, s.inter_angle], dtype=torch.float64),
                 torch.tensor([1.0, math.sqrt(2), 45.0, 90.0], dtype=torch.float64))


def test_ratio_is_scale_free_and_angles_ignore_norms(generator):
    x = torch.randn(40, 2, generator=generator)
    y = torch.arange(40) % 4
    a, b = class_separation(x, y), class_separation(5 * x, y)
    assert_close(torch.tensor(b.ratio), torch.tensor(a.ratio), dtype=torch.float32)
    assert_close(torch.tensor(b.intra_angle), torch.tensor(a.intra_angle), dtype=torch.float32)
    assert_close(torch.tensor(b.intra), torch.tensor(5 * a.intra), dtype=torch.float32)


def test_errors():
    with pytest.raises(ValueError, match="at least two classes"):
        class_separation(torch.randn(5, 2), torch.zeros(5, dtype=torch.long))
    with pytest.raises(ValueError, match="integer Tensor"):
        class_separation(torch.randn(5, 2), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="centres coincide"):
        class_separation(torch.tensor([[1.0, 0.0], [-1.0, 0.0], [1.0, 0.0], [-1.0, 0.0]]), torch.tensor([0, 0, 1, 1]))
    with pytest.raises(TypeError, match="floating point"):
        class_separation(torch.zeros(4, 2, dtype=torch.long), torch.tensor([0, 0, 1, 1]))
