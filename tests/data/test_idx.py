"""Tests for cvbook.data.idx: hand-written IDX headers, round trips, torchvision as oracle, bad files."""
import gzip
import struct

import pytest
import torch
from torchvision.datasets.mnist import read_image_file, read_label_file

from cvbook.data import read_idx, write_idx


def test_read_hand_written_uint8(tmp_path):
    # Magic number byte by byte: 0x00 0x00, type code 0x08 (uint8), ndim 3; then the sizes 2, 3, 4
    # as big-endian unsigned 32-bit ints; then 2*3*4 = 24 data bytes 0..23.
    header = struct.pack(">BBBB", 0x00, 0x00, 0x08, 3) + struct.pack(">III", 2, 3, 4)
    (tmp_path / "a.idx").write_bytes(header + bytes(range(24)))
    t = read_idx(tmp_path / "a.idx")
    assert t.dtype == torch.uint8
    assert torch.equal(t, torch.arange(24, dtype=torch.uint8).reshape(2, 3, 4))


def test_read_hand_written_big_endian_int16_and_float32(tmp_path):
    # int16, 1-D of 2: -2 is 0xFFFE and 258 is 0x0102 in big-endian two's complement.
    (tmp_path / "i.idx").write_bytes(bytes([0, 0, 0x0B, 1]) + struct.pack(">I", 2) + b"\xff\xfe\x01\x02")
    assert torch.equal(read_idx(tmp_path / "i.idx"), torch.tensor([-2, 258], dtype=torch.int16))
    # float32, 1-D of 1: 1.5 is 0x3FC00000 big-endian.
    (tmp_path / "f.idx").write_bytes(bytes([0, 0, 0x0D, 1]) + struct.pack(">I", 1) + b"\x3f\xc0\x00\x00")
    f = read_idx(tmp_path / "f.idx")
    assert f.dtype == torch.float32 and f.tolist() == [1.5]


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int8, torch.int16, torch.int32, torch.float32, torch.float64])
@pytest.mark.parametrize("suffix", [".idx", ".idx.gz"])
def test_round_trip(tmp_path, dtype, suffix, generator):
    x = (torch.randn(3, 5, 2, generator=generator) * 50).to(dtype)
    path = tmp_path / f"x{suffix}"
    write_idx(path, x)
    y = read_idx(path)
    assert y.dtype == dtype and torch.equal(x, y)
    if suffix.endswith(".gz"):  # really gzip-compressed: the bytes inside start with the IDX magic
        with gzip.open(path, "rb") as f:
            assert f.read(4) == bytes([0, 0, {torch.uint8: 8, torch.int8: 9, torch.int16: 11,
                                              torch.int32: 12, torch.float32: 13, torch.float64: 14}[dtype], 3])


def test_torchvision_reader_agrees(tmp_path, generator):
    images = torch.randint(0, 256, (7, 28, 28), generator=generator, dtype=torch.uint8)
    labels = torch.randint(0, 10, (7,), generator=generator, dtype=torch.uint8)
    write_idx(tmp_path / "images-idx3-ubyte", images)
    write_idx(tmp_path / "labels-idx1-ubyte", labels)
    assert torch.equal(read_image_file(str(tmp_path / "images-idx3-ubyte")), read_idx(tmp_path / "images-idx3-ubyte"))
    assert torch.equal(read_label_file(str(tmp_path / "labels-idx1-ubyte")), read_idx(tmp_path / "labels-idx1-ubyte").long())
    assert torch.equal(read_idx(tmp_path / "images-idx3-ubyte"), images)


def test_bad_files_raise(tmp_path):
    bad_magic = tmp_path / "bad_magic"
    bad_magic.write_bytes(bytes([1, 0, 8, 1]) + struct.pack(">I", 1) + b"\x00")
    with pytest.raises(ValueError, match="magic"):
        read_idx(bad_magic)
    bad_code = tmp_path / "bad_code"
    bad_code.write_bytes(bytes([0, 0, 0x0A, 1]) + struct.pack(">I", 1) + b"\x00")
    with pytest.raises(ValueError, match="type code 0x0A"):
        read_idx(bad_code)
    truncated = tmp_path / "truncated"
    truncated.write_bytes(bytes([0, 0, 8, 2]) + struct.pack(">II", 2, 2) + b"\x00\x00\x00")  # 3 of 4 bytes
    with pytest.raises(ValueError, match="truncated"):
        read_idx(truncated)
    short_header = tmp_path / "short_header"
    short_header.write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">I", 2))  # 3 dims but 1 size
    with pytest.raises(ValueError, match="truncated IDX header"):
        read_idx(short_header)
    trailing = tmp_path / "trailing"
    trailing.write_bytes(bytes([0, 0, 8, 1]) + struct.pack(">I", 1) + b"\x00\x00")
    with pytest.raises(ValueError, match="trailing"):
        read_idx(trailing)
    (tmp_path / "tiny").write_bytes(b"\x00\x00")
    with pytest.raises(ValueError, match="too short"):
        read_idx(tmp_path / "tiny")


def test_write_rejects_bad_input(tmp_path):
    with pytest.raises(TypeError, match="cannot store dtype torch.int64"):
        write_idx(tmp_path / "x", torch.zeros(2, dtype=torch.int64))
    with pytest.raises(TypeError, match="torch.Tensor"):
        write_idx(tmp_path / "x", [1, 2])
    with pytest.raises(ValueError, match="1 to 255 dimensions"):
        write_idx(tmp_path / "x", torch.tensor(1, dtype=torch.uint8))
