"""Real data sets through torchvision: MNIST, Fashion-MNIST and CIFAR-10, as float tensors.

Every loader returns a ``torch.utils.data.TensorDataset`` of

- images: ``float32 (N, C, H, W)`` in ``[0, 1]`` (the stored 8-bit values divided by 255), and
- labels: ``int64 (N,)`` class indices,

held in memory, so that a ``DataLoader`` over it costs no decoding (MNIST's 60 000 training images
take 188 MB as float32; CIFAR-10's 50 000 take 614 MB). Nothing is normalised beyond ``/255``:
chapters that standardise do it themselves and say so.

Nothing is downloaded unless ``download=True`` is passed (the book never does). A missing data set
raises ``FileNotFoundError`` that says where it was looked for. Each loader calls
:func:`cvbook.runtime.record_data`.

References:
    MNIST: Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based learning applied to
    document recognition", Proc. IEEE 86(11):2278-2324, 1998.
    Fashion-MNIST: H. Xiao, K. Rasul and R. Vollgraf, "Fashion-MNIST: a novel image dataset for
    benchmarking machine learning algorithms", arXiv:1708.07747, 2017.
    CIFAR-10: A. Krizhevsky, "Learning multiple layers of features from tiny images", tech. report,
    University of Toronto, 2009.
Taught in: notebooks/01_cnn_basics/01_epoch_iteration_batch.ipynb (data used across the book).
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import TensorDataset

from cvbook.runtime import data_root, display_path, record_data

__all__ = [
    "CIFAR10_CLASSES",
    "FASHION_MNIST_CLASSES",
    "MNIST_CLASSES",
    "load_cifar10",
    "load_fashion_mnist",
    "load_mnist",
    "mnist_raw_files_present",
    "read_cifar10",
]

MNIST_CLASSES: list[str] = [str(d) for d in range(10)]
FASHION_MNIST_CLASSES: list[str] = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]  # fmt: skip
CIFAR10_CLASSES: list[str] = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
]  # fmt: skip

_MNIST_FILES = (
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
)  # fmt: skip
_CIFAR_FOLDER = "cifar-10-batches-py"


def _split(train: bool) -> str:
    if not isinstance(train, bool):
        raise TypeError(f"train must be a bool, got {type(train).__name__}")
    return "train" if train else "test"


def _to_dataset(images_uint8: torch.Tensor, labels: torch.Tensor) -> TensorDataset:
    """``uint8 (N, C, H, W)`` and labels -> TensorDataset(float32 in [0, 1], int64)."""
    return TensorDataset(images_uint8.to(torch.float32).div_(255.0), labels.to(torch.int64))


def mnist_raw_files_present(root: str | os.PathLike, name: str = "MNIST") -> bool:
    """True when ``root/<name>/raw`` holds the four uncompressed IDX files torchvision reads."""
    raw = Path(root) / name / "raw"
    return all((raw / f).is_file() for f in _MNIST_FILES)


def _mnist_like(cls_name: str, root: str | os.PathLike, train: bool, download: bool) -> TensorDataset:
    import torchvision.datasets as tvd

    split = _split(train)
    cls = getattr(tvd, cls_name)
    try:
        ds = cls(root=str(root), train=train, download=download)
    except RuntimeError as err:  # torchvision: "Dataset not found. You can use download=True ..."
        raise FileNotFoundError(
            f"{cls_name} ({split}) not found under {Path(root) / cls_name / 'raw'}: expected the files "
            f"{', '.join(_MNIST_FILES)}. Pass download=True to fetch them, or use "
            "cvbook.data.load_mnist_or_digits for the offline stand-in."
        ) from err
    return _to_dataset(ds.data.unsqueeze(1), ds.targets)


def load_mnist(root: str | os.PathLike | None = None, train: bool = True, download: bool = False) -> TensorDataset:
    """MNIST handwritten digits via ``torchvision.datasets.MNIST``, read from ``root/MNIST/raw``.

    Returns a TensorDataset: images ``float32 (N, 1, 28, 28)`` in ``[0, 1]`` (N = 60 000 train,
    10 000 test), labels ``int64 (N,)`` in ``0..9``.

    Reference: LeCun et al., Proc. IEEE 86(11), 1998.
    """
    root = data_root() if root is None else root
    ds = _mnist_like("MNIST", root, train, download)
    record_data(f"MNIST {_split(train)} split (torchvision, {display_path(Path(root) / 'MNIST')})")
    return ds


def load_fashion_mnist(root: str | os.PathLike | None = None, train: bool = True, download: bool = False) -> TensorDataset:
    """Fashion-MNIST via ``torchvision.datasets.FashionMNIST``, read from ``root/FashionMNIST/raw``.

    Same layout as MNIST: images ``float32 (N, 1, 28, 28)`` in ``[0, 1]``, labels ``int64 (N,)`` in
    ``0..9`` (names in :data:`FASHION_MNIST_CLASSES`).

    Reference: Xiao, Rasul and Vollgraf, arXiv:1708.07747, 2017.
    """
    root = data_root() if root is None else root
    ds = _mnist_like("FashionMNIST", root, train, download)
    record_data(f"Fashion-MNIST {_split(train)} split (torchvision, {display_path(Path(root) / 'FashionMNIST')})")
    return ds


def read_cifar10(folder: str | os.PathLike, train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Read the pickled batches of ``cifar-10-batches-py`` without checking MD5 sums.

    ``folder`` is the ``cifar-10-batches-py`` directory. Train reads ``data_batch_1`` .. ``data_batch_5``,
    test reads ``test_batch``. Each pickle holds ``b"data"``/``"data"``: ``uint8 (n, 3072)`` with the
    1024 red, then 1024 green, then 1024 blue values of a 32x32 image in row-major order, and
    ``"labels"``: a list of ``n`` ints. Returns ``(images uint8 (N, 3, 32, 32), labels int64 (N,))``.
    """
    folder = Path(folder)
    names = [f"data_batch_{i}" for i in range(1, 6)] if _split(train) == "train" else ["test_batch"]
    images, labels = [], []
    for name in names:
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(f"CIFAR-10 batch {path} not found (expected {', '.join(names)} in {folder})")
        with open(path, "rb") as f:
            entry = pickle.load(f, encoding="latin1")  # the files were pickled by Python 2
        if "data" not in entry or not ("labels" in entry or "fine_labels" in entry):
            raise ValueError(f"{path}: not a CIFAR-10 batch: expected keys 'data' and 'labels', got {sorted(entry)}")
        data = np.asarray(entry["data"], dtype=np.uint8)
        if data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
            raise ValueError(f"{path}: 'data' must have shape (n, 3072), got {data.shape}")
        images.append(data.reshape(-1, 3, 32, 32))  # channel-major rows -> (n, C, H, W)
        labels.extend(entry.get("labels", entry.get("fine_labels")))
    return torch.from_numpy(np.concatenate(images)), torch.tensor(labels, dtype=torch.int64)


def load_cifar10(
    root: str | os.PathLike | None = None, train: bool = True, download: bool = False, verify: bool = True
) -> TensorDataset:
    """CIFAR-10 from ``root/cifar-10-batches-py``: images ``float32 (N, 3, 32, 32)`` in ``[0, 1]``
    (N = 50 000 train, 10 000 test), labels ``int64 (N,)`` in ``0..9`` (:data:`CIFAR10_CLASSES`).

    With ``verify=True`` (default) it goes through ``torchvision.datasets.CIFAR10``, which checks the
    MD5 sum of every batch file. ``verify=False`` reads the same files with :func:`read_cifar10` and no
    checksum (for a re-packed copy or a subset; the record says so).

    Reference: Krizhevsky, "Learning multiple layers of features from tiny images", 2009.
    """
    split = _split(train)
    root = data_root() if root is None else root
    folder = Path(root) / _CIFAR_FOLDER
    if verify or download:
        import torchvision.datasets as tvd

        try:
            ds = tvd.CIFAR10(root=str(root), train=train, download=download)
        except RuntimeError as err:  # torchvision: "Dataset not found or corrupted ..."
            raise FileNotFoundError(
                f"CIFAR-10 ({split}) not found or corrupted under {folder} (torchvision checks each batch "
                "file's MD5 sum). Pass download=True to fetch it, verify=False to read unchecked files, or "
                "use cvbook.data.shapes for the offline stand-in."
            ) from err
        images = torch.from_numpy(ds.data).permute(0, 3, 1, 2)  # torchvision stores (N, H, W, C)
        labels = torch.tensor(ds.targets)
        how = "torchvision, MD5-checked"
    else:
        images, labels = read_cifar10(folder, train)
        how = "cvbook.data.read_cifar10, not MD5-checked"
    record_data(f"CIFAR-10 {split} split ({how}, {display_path(folder)})")
    return _to_dataset(images, labels)
