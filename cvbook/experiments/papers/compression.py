"""Network compression on scikit-learn's digits: filter pruning, 8-bit quantisation, distillation, group conv.

One small CNN, ``(B, 1, 8, 8) -> (B, 10)``: conv3x3(1→16)-ReLU-conv3x3(16→32)-ReLU-maxpool2-conv3x3(32→32)-ReLU-
maxpool2-flatten-linear(128→10), trained with SGD (momentum 0.9, lr 0.05, batch 64). From the trained float
model each seed builds the compressed variants of the table:

- ``pruned``: half the filters of every conv removed by their L1 norm (Li et al.'s independent strategy; the next
  layer loses the matching inputs), then ``pruned + fine-tuned``: ``ft_epochs`` more epochs;
- ``8-bit weights`` / ``4-bit`` / ``2-bit``: every weight fake-quantised per channel with
  :func:`cvbook.ops.quantize.quantize_weight` (float compute; the size column counts packed storage at that width
  plus one float32 scale per channel);
- ``static int8`` and ``dynamic int8``: ``torch.ao.quantization`` post-training quantisation, static (conv+ReLU
  fused, activations calibrated on 256 training images, x86 engine) and dynamic (``quantize_dynamic`` of the
  ``Linear`` layers; the convs stay float). Left out, with ``ao_available = False``, where torch lacks the API;
- ``student`` / ``distilled student``: a 4x narrower network (4-8-8 channels) trained from scratch with cross
  entropy, and with Hinton's loss from the float model as teacher (T = 2, alpha = 0.5: with T = 4 and
  alpha = 0.9 the same SGD step size diverged; the T² factor makes the soft term's gradient T times larger);
- ``grouped``: the float model trained ``ft_epochs`` more with the groupable penalty on conv2 and conv3
  (proximal steps), converted to ``groups``-way group convolutions and fine-tuned ``ft_epochs``.

Sizes are parameter counts and the bytes of ``torch.save(state_dict)``; CPU latency is the fastest of 5 timed forward
passes of a batch of 128 test images, one thread.

Reference: H. Li et al., ICLR 2017; B. Jacob et al., CVPR 2018; G. Hinton et al., 2015; X.-Y. Zhang et al.,
UAI 2021.
Taught in: notebooks/08_papers/10_compression.ipynb
"""
from __future__ import annotations

import contextlib
import copy
import io
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import as_generator, check_int, check_positive
from cvbook.analysis import count_params, measure_latency
from cvbook.data import DataSplit
from cvbook.nn.losses.distillation import distillation_loss
from cvbook.nn.prune import kept_filters, remove_filters
from cvbook.ops.quantize import quantize_weight
from cvbook.optim.groupable import groupable_prox_, groupable_weights, off_block_fraction, to_group_conv

__all__ = ["VARIANTS", "Variant", "CompressionRun", "compression_net", "train_net", "accuracy", "state_dict_bytes",
           "prune_net", "fake_quantize_net", "ao_quantization", "static_quantize", "dynamic_quantize",
           "compress"]

VARIANTS = ("float", "pruned", "pruned + fine-tuned", "8-bit weights", "4-bit weights", "2-bit weights",
            "static int8", "dynamic int8",
            "student", "distilled student", "grouped")
CONVS = (0, 2, 5)          # indices of the three convs in :func:`compression_net`
FC = 9
LATENCY_BATCH = 128     # images per timed forward pass


def compression_net(widths: tuple[int, int, int] = (16, 32, 32), seed: int = 0) -> nn.Sequential:
    """The CNN ``(B, 1, 8, 8) -> (B, 10)`` with conv widths ``widths``, torch's initialisers seeded by ``seed``."""
    if len(widths) != 3 or any(check_int(w, "width", minimum=1) < 1 for w in widths):
        raise ValueError(f"widths must be three positive ints, got {widths!r}")
    a, b, c = widths
    with torch.random.fork_rng():            # torch's default initialisers, seeded, global state untouched
        torch.manual_seed(seed)
        return nn.Sequential(nn.Conv2d(1, a, 3, padding=1), nn.ReLU(), nn.Conv2d(a, b, 3, padding=1), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Conv2d(b, c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(4 * c, 10))


def train_net(model: nn.Module, data: DataSplit, epochs: int, seed: int, lr: float = 0.05, batch_size: int = 64,
              teacher: nn.Module | None = None, temperature: float = 2.0, alpha: float = 0.5,
              after_step: Callable[[], None] | None = None) -> nn.Module:
    """SGD (momentum 0.9) on ``data.train`` for ``epochs``, in place; returns ``model`` in eval mode.

    With a ``teacher``, the loss is :func:`~cvbook.nn.losses.distillation.distillation_loss`, otherwise cross
    entropy. ``after_step`` runs after every optimiser step (a proximal step, for instance).
    """
    check_int(epochs, "epochs", minimum=0)
    check_positive(lr, "lr")
    x, y = data.train.tensors
    g = as_generator(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    model.train()
    if teacher is not None:
        teacher.eval()
    for _ in range(epochs):
        perm = torch.randperm(len(y), generator=g)
        for i in range(0, len(y), batch_size):
            idx = perm[i:i + batch_size]
            logits = model(x[idx])
            if teacher is None:
                loss = F.cross_entropy(logits, y[idx])
            else:
                with torch.no_grad():
                    t = teacher(x[idx])
                loss = distillation_loss(logits, t, y[idx], temperature, alpha)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if after_step is not None:
                after_step()
    return model.eval()


@torch.no_grad()
def accuracy(model: nn.Module, data: DataSplit) -> float:
    """Top-1 accuracy of ``model`` on ``data.test``."""
    x, y = data.test.tensors
    return float((model(x).argmax(1) == y).double().mean())


def state_dict_bytes(model: nn.Module) -> int:
    """Bytes of ``torch.save(model.state_dict())`` (what the model costs on disk, pickle overhead included)."""
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    return buf.getbuffer().nbytes


def prune_net(model: nn.Sequential, amount: float = 0.5, p: float = 1) -> nn.Sequential:
    """A copy of a :func:`compression_net` with ``amount`` of each conv's filters removed by L``p`` norm.

    Each layer's filters are scored on the trained weights independently (Li et al.'s "independent" strategy).
    """
    net = copy.deepcopy(model)
    keeps = {i: kept_filters(net[i].weight, amount, p) for i in CONVS}
    for i, nxt in zip(CONVS, CONVS[1:] + (FC,)):
        net[i], net[nxt] = remove_filters(net[i], keeps[i], net[nxt])
    return net


def fake_quantize_net(model: nn.Module, num_bits: int = 8) -> nn.Module:
    """A copy of ``model`` whose conv and linear weights are fake-quantised per output channel."""
    net = copy.deepcopy(model)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.copy_(quantize_weight(m.weight, num_bits))
    return net


@contextlib.contextmanager
def _quiet_ao() -> Iterator[None]:
    # torch >= 2.10 deprecates eager-mode torch.ao.quantization (it still works on the stacks the book tests);
    # silence exactly those notices so that the page's output stays clean, nothing else
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"torch\.ao\.quantization is deprecated")
        warnings.filterwarnings("ignore", message=r"torch\.quantize_per_tensor, torch\.quantize_per_channel")
        yield


def ao_quantization():
    """The ``torch.ao.quantization`` module, or ``None`` where this torch has no eager-mode quantisation."""
    try:
        with _quiet_ao():
            import torch.ao.quantization as tq
            _ = (tq.QuantStub, tq.DeQuantStub, tq.prepare, tq.convert, tq.quantize_dynamic, tq.fuse_modules)
        engines = torch.backends.quantized.supported_engines
        if "x86" not in engines and "fbgemm" not in engines:
            return None
        return tq
    except (ImportError, AttributeError):
        return None


def static_quantize(model: nn.Sequential, calibration: Tensor) -> nn.Module:
    """Post-training static int8 quantisation of a :func:`compression_net` (eager mode, x86/fbgemm engine).

    conv+ReLU pairs are fused; weights get torch's per-channel symmetric qint8 observer; activations a
    MinMax observer on ``quint8`` 0..127 (the reduced range the x86 kernels want), calibrated on ``calibration``.

    Raises:
        RuntimeError: ``torch.ao.quantization`` is not available.
    """
    tq = ao_quantization()
    if tq is None:
        raise RuntimeError("torch.ao.quantization is not available in this torch")
    engine = "x86" if "x86" in torch.backends.quantized.supported_engines else "fbgemm"
    with _quiet_ao():
        torch.backends.quantized.engine = engine
        net = nn.Sequential(tq.QuantStub(), copy.deepcopy(model).eval(), tq.DeQuantStub()).eval()
        tq.fuse_modules(net[1], [["0", "1"], ["2", "3"], ["5", "6"]], inplace=True)
        net.qconfig = tq.QConfig(activation=tq.MinMaxObserver.with_args(dtype=torch.quint8, quant_min=0, quant_max=127),
                                 weight=tq.default_per_channel_weight_observer)
        tq.prepare(net, inplace=True)
        with torch.no_grad():
            net(calibration)
        return tq.convert(net, inplace=True)


def dynamic_quantize(model: nn.Module) -> nn.Module:
    """``torch.ao.quantization.quantize_dynamic`` of the ``nn.Linear`` layers to qint8 (convs stay float).

    Raises:
        RuntimeError: ``torch.ao.quantization`` is not available.
    """
    tq = ao_quantization()
    if tq is None:
        raise RuntimeError("torch.ao.quantization is not available in this torch")
    with _quiet_ao():
        return tq.quantize_dynamic(copy.deepcopy(model), {nn.Linear}, dtype=torch.qint8)


@dataclass(frozen=True)
class Variant:
    """One row of the table: test ``accuracy``, ``params`` (weights and biases), ``bytes`` and ``latency_ms``."""

    name: str
    accuracy: float
    params: int
    bytes: int
    latency_ms: float


@dataclass(frozen=True)
class CompressionRun:
    """The table's rows for one seed, and the measurements behind the checks.

    ``off_block`` is the larger of conv2's and conv3's fractions of squared weight outside the diagonal blocks after
    the penalised training; ``group_max_diff`` the largest difference between the test logits of that dense model
    (off-block kernels zeroed) and of the grouped model before fine-tuning; ``grouped_before_ft`` the latter's
    accuracy; ``penalised_acc`` the dense penalised model's accuracy before zeroing.
    """

    variants: tuple[Variant, ...]
    off_block: float
    group_max_diff: float
    grouped_before_ft: float
    penalised_acc: float
    ao_available: bool

    def get(self, name: str) -> Variant:
        """The row called ``name`` (one of :data:`VARIANTS`)."""
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(f"no variant {name!r} in this run; have {[v.name for v in self.variants]}")

    def acc(self, name: str) -> float:
        return self.get(name).accuracy


def _row(name: str, model: nn.Module, data: DataSplit, n_bytes: int | None = None,
         params: int | None = None) -> Variant:
    x = data.test.tensors[0][:LATENCY_BATCH]
    # the fastest of 5 calls, not the median: on a shared CPU the other processes only ever add time
    lat = 1000 * min(measure_latency(model, x, warmup=1, repeat=5).times_s)
    if params is None:
        params = count_params(model)
    return Variant(name, accuracy(model, data), params, state_dict_bytes(model) if n_bytes is None else n_bytes, lat)


def _packed_bytes(model: nn.Module, bits: int) -> int:
    # packed bits-wide storage of every conv/linear weight, one float32 scale per output channel, float32 biases
    total = 0
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            total += -(-m.weight.numel() * bits // 8) + 4 * m.weight.shape[0]
            total += 4 * m.bias.numel() if m.bias is not None else 0
    return total


def compress(data: DataSplit, seed: int, epochs: int = 8, ft_epochs: int = 4, amount: float = 0.5, groups: int = 4,
             penalty: float = 2.0, student_widths: tuple[int, int, int] = (4, 8, 8)) -> CompressionRun:
    """Train the float model from ``seed`` and build every variant of :data:`VARIANTS` (see the module docstring).

    ``penalty`` is the groupable penalty's weight lambda; the proximal threshold per step is ``lr * lambda``.
    """
    check_int(epochs, "epochs", minimum=1)
    check_int(ft_epochs, "ft_epochs", minimum=0)
    lr = 0.05
    base = train_net(compression_net(seed=seed), data, epochs, seed)
    rows = [_row("float", base, data)]

    pruned = prune_net(base, amount)
    rows.append(_row("pruned", pruned, data))
    rows.append(_row("pruned + fine-tuned", train_net(pruned, data, ft_epochs, seed + 1000), data))

    for bits in (8, 4, 2):
        rows.append(_row(f"{bits}-bit weights", fake_quantize_net(base, bits), data, n_bytes=_packed_bytes(base, bits)))
    ao = ao_quantization() is not None
    if ao:
        calib = data.train.tensors[0][:256]
        rows.append(_row("static int8", static_quantize(base, calib), data, params=count_params(base)))
        rows.append(_row("dynamic int8", dynamic_quantize(base), data, params=count_params(base)))

    student = train_net(compression_net(student_widths, seed=seed + 2000), data, epochs, seed)
    rows.append(_row("student", student, data))
    distilled = train_net(compression_net(student_widths, seed=seed + 2000), data, epochs, seed, teacher=base)
    rows.append(_row("distilled student", distilled, data))

    dense = copy.deepcopy(base)

    def prox() -> None:
        for i in CONVS[1:]:
            groupable_prox_(dense[i].weight, groups, lr * penalty)
    train_net(dense, data, ft_epochs, seed + 3000, lr=lr, after_step=prox)
    penalised_acc = accuracy(dense, data)
    off = max(off_block_fraction(dense[i].weight, groups) for i in CONVS[1:])
    grouped = copy.deepcopy(dense)
    with torch.no_grad():
        for i in CONVS[1:]:
            grouped[i] = to_group_conv(dense[i], groups)
            # what the group conv drops: the off-block kernels the penalty left (if any), zeroed in the dense model
            dense[i].weight.mul_((groupable_weights(*dense[i].weight.shape[:2], groups) == 0)[:, :, None, None])
    with torch.no_grad():
        x = data.test.tensors[0]
        diff = float((dense(x) - grouped(x)).abs().max())
    before = accuracy(grouped, data)
    rows.append(_row("grouped", train_net(grouped, data, ft_epochs, seed + 4000), data))
    return CompressionRun(tuple(rows), off, diff, before, penalised_acc, ao)
