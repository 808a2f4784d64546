"""Tests of the chapter-8 triplet driver's data helpers (cvbook.experiments.papers.triplet)."""
import torch

from cvbook.data import digits_benchmark
from cvbook.experiments.papers.triplet import digit_vectors, pk_batch


def test_digit_vectors_flatten_each_image_and_keep_the_labels():
    data = digits_benchmark(n_train=40, n_test=10, seed=3, channels=1)
    x_tr, y_tr, x_te, y_te = digit_vectors(data)
    assert x_tr.shape == (40, 64) and x_te.shape == (10, 64)
    # row i is image i read row by row: pixel (r, c) of the 8x8 image is entry 8 r + c
    images = data.train.tensors[0]
    assert torch.equal(x_tr[5, 8 * 2 + 3], images[5, 0, 2, 3])
    assert torch.equal(y_tr, data.train.tensors[1]) and torch.equal(y_te, data.test.tensors[1])


def test_pk_batch_draws_k_distinct_samples_of_p_distinct_classes():
    labels = torch.arange(10).repeat_interleave(6)  # 10 classes, 6 samples each
    g = torch.Generator().manual_seed(0)
    idx = pk_batch(labels, p=4, k=3, generator=g)
    assert idx.shape == (12,) and idx.unique().numel() == 12
    classes = labels[idx].view(4, 3)
    assert (classes == classes[:, :1]).all()  # each group of k shares one class
    assert classes[:, 0].unique().numel() == 4  # and the p groups have different classes
