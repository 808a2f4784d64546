"""Reading and writing the IDX format of MNIST and Fashion-MNIST.

An IDX file is a header followed by raw, big-endian array data:

- bytes 0-1: zero;
- byte 2: the element type, one of ``0x08`` uint8, ``0x09`` int8, ``0x0B`` int16, ``0x0C`` int32,
  ``0x0D`` float32, ``0x0E`` float64;
- byte 3: the number of dimensions ``ndim``;
- then ``ndim`` sizes, each a big-endian unsigned 32-bit integer;
- then the elements in C (row-major) order, each big-endian.

MNIST's image files are ``uint8`` arrays of shape ``(N, 28, 28)`` (``ndim = 3``, magic ``0x00000803``)
and its label files ``uint8`` arrays of shape ``(N,)`` (magic ``0x00000801``).

Reference: Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based learning applied to document
recognition", Proc. IEEE 86(11), 1998 (the file format is described on the MNIST web page).
Taught in: notebooks/01_cnn_basics/01_epoch_iteration_batch.ipynb (the data behind the first chapter).
"""
from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import torch

__all__ = ["IDX_DTYPES", "read_idx", "write_idx"]

#: IDX type code -> (torch dtype, big-endian NumPy dtype string).
IDX_DTYPES: dict[int, tuple[torch.dtype, str]] = {
    0x08: (torch.uint8, "u1"),
    0x09: (torch.int8, "i1"),
    0x0B: (torch.int16, ">i2"),
    0x0C: (torch.int32, ">i4"),
    0x0D: (torch.float32, ">f4"),
    0x0E: (torch.float64, ">f8"),
}
_CODE_OF: dict[torch.dtype, int] = {dt: code for code, (dt, _) in IDX_DTYPES.items()}


def _open(path: Path, mode: str):
    return gzip.open(path, mode) if path.suffix == ".gz" else open(path, mode)


def read_idx(path: str | os.PathLike) -> torch.Tensor:
    """Read an IDX file (plain or ``.gz``) into a tensor of its own dtype and shape.

    Returns a tensor of shape ``(d0, d1, ...)`` as written in the header, e.g. ``uint8 (N, 28, 28)``
    for MNIST images and ``uint8 (N,)`` for labels. Values are not rescaled.

    Raises ``ValueError`` for a bad magic number, an unknown type code, or a file whose length does
    not match its header (truncated or with trailing bytes); ``FileNotFoundError`` if it is missing.
    """
    path = Path(path)
    with _open(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise ValueError(f"{path}: {len(data)} bytes is too short for an IDX header (expected at least 4)")
    zero0, zero1, code, ndim = data[0], data[1], data[2], data[3]
    if zero0 != 0 or zero1 != 0:
        raise ValueError(
            f"{path}: bad IDX magic number {data[:4].hex()}: the first two bytes must be 0x00 0x00"
        )
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise ValueError(f"{path}: unknown IDX type code 0x{code:02X}; expected one of {known}")
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise ValueError(f"{path}: truncated IDX header: {ndim} dimensions need {header_len} bytes, got {len(data)}")
    shape = struct.unpack(f">{ndim}I", data[4:header_len])  # big-endian unsigned 32-bit sizes
    torch_dtype, np_dtype = IDX_DTYPES[code]
    count = int(np.prod(shape, dtype=np.int64)) if ndim else 1
    expected = header_len + count * np.dtype(np_dtype).itemsize
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "has trailing bytes"
        raise ValueError(
            f"{path}: IDX file {what}: header says shape {tuple(shape)} of {torch_dtype} "
            f"({expected} bytes in all), file has {len(data)} bytes"
        )
    array = np.frombuffer(data, dtype=np_dtype, count=count, offset=header_len)
    # Convert big-endian to the machine's order and copy, so the tensor owns writable memory.
    array = array.astype(np.dtype(np_dtype).newbyteorder("="), copy=True)
    return torch.from_numpy(array.reshape(shape))


def write_idx(path: str | os.PathLike, tensor: torch.Tensor) -> None:
    """Write ``tensor`` (any shape with 1-255 dimensions, dtype uint8/int8/int16/int32/float32/float64)
    as an IDX file; gzip-compressed when ``path`` ends in ``.gz``.

    ``read_idx(path)`` returns an equal tensor of the same dtype.
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"write_idx needs a torch.Tensor, got {type(tensor).__name__}")
    if tensor.dtype not in _CODE_OF:
        allowed = ", ".join(str(d) for d in _CODE_OF)
        raise TypeError(f"IDX cannot store dtype {tensor.dtype}; expected one of {allowed}")
    if not 1 <= tensor.dim() <= 255:
        raise ValueError(f"IDX stores 1 to 255 dimensions, got a tensor with {tensor.dim()}")
    if any(s >= 2**32 for s in tensor.shape):
        raise ValueError(f"IDX sizes are 32-bit; shape {tuple(tensor.shape)} is too large")
    code = _CODE_OF[tensor.dtype]
    header = bytes([0, 0, code, tensor.dim()]) + struct.pack(f">{tensor.dim()}I", *tensor.shape)
    body = tensor.detach().cpu().contiguous().numpy().astype(IDX_DTYPES[code][1]).tobytes()
    path = Path(path)
    with _open(path, "wb") as f:
        f.write(header + body)
