import pytest
import torch
import torchvision
from torch import nn

from cvbook.analysis import effective_receptive_field, empirical_receptive_field, receptive_field


def test_notes_7x7_example():
    # notes 003: three 3x3 convs, stride 1, no padding, on a 7x7 input: RF 3, 5, 7
    model = nn.Sequential(nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3))
    recs = receptive_field(model, 7)
    assert [r.rf for r in recs] == [3, 5, 7]
    assert [r.jump for r in recs] == [1, 1, 1]
    assert [r.start for r in recs] == [1.0, 2.0, 3.0]  # centres at pixel 1, 2, 3
    assert recs[-1].output_size == (1, 1)


def test_strided_hand_values():
    # conv 3x3 s2 p1 -> pool 2x2 s2 -> conv 3x3 s1 p1
    # rf: 1 + 2*1 = 3; 3 + 1*2 = 5; 5 + 2*4 = 13.  jump: 2, 4, 4.
    # start: 0 + (1 - 1)*1 = 0; 0 + (0.5 - 0)*2 = 1; 1 + (1 - 1)*4 = 1
    model = nn.Sequential(nn.Conv2d(3, 4, 3, 2, 1), nn.ReLU(), nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(4, 4, 3, 1, 1)))
    recs = receptive_field(model, 32)
    assert [(r.rf, r.jump, r.start) for r in recs] == [(3, 2, 0.0), (5, 4, 1.0), (13, 4, 1.0)]
    assert [r.name for r in recs] == ["0", "2.0", "2.1"]
    assert [r.kind for r in recs] == ["conv", "max_pool", "conv"]


def test_dilation_grows_exponentially():
    # 3x3 convs with dilation 1, 2, 4: rf 3, 3 + 2*2 = 7, 7 + 2*4 = 15
    model = nn.Sequential(*[nn.Conv2d(1, 1, 3, padding=d, dilation=d) for d in (1, 2, 4)])
    assert [r.rf for r in receptive_field(model, 32)] == [3, 7, 15]


def test_backward_recursion_gives_the_same_field():
    # the notes' recursion from the top: (N-1)_RF = (N_RF - 1) * stride + kernel, starting at 1
    layers = [(7, 2), (3, 2), (3, 1), (3, 2), (3, 1)]
    model = nn.Sequential(*[nn.Conv2d(1, 1, k, s) for k, s in layers])
    rf = 1
    for k, s in reversed(layers):
        rf = (rf - 1) * s + k
    assert receptive_field(model, 128)[-1].rf == rf


def test_residual_branch_uses_the_longest_path():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), nn.Conv2d(2, 2, 3, padding=1))
            self.skip = nn.Conv2d(2, 2, 1)

        def forward(self, x):
            return self.body(x) + self.skip(x)

    recs = receptive_field(nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), Block(), nn.Conv2d(2, 2, 3, padding=1)), 16)
    assert recs[-1].rf == 9  # 3 -> 5 -> 7 (body); the 1x1 skip keeps 3; the sum has 7; last conv 9


@pytest.mark.parametrize("name,size", [("vgg16", 224), ("resnet50", 512)])
def test_theory_equals_gradient_measurement(name, size):
    model = getattr(torchvision.models, name)()
    body = model.features if name == "vgg16" else nn.Sequential(*list(model.children())[:-2])
    last = receptive_field(body, size)[-1]
    measured = empirical_receptive_field(body, size, collapse_channels=True)
    assert measured.size_hw == (last.rf, last.rf)
    # the centre unit's field is centred on start + index * jump
    centre = last.start + (last.output_size[0] // 2) * last.jump
    assert measured.rows == (round(centre - (last.rf - 1) / 2), round(centre + (last.rf - 1) / 2))


def test_collapsed_copy_agrees_with_full_copy():
    torch.manual_seed(0)
    model = torchvision.models.resnet18()
    body = nn.Sequential(*list(model.children())[:-4])  # up to layer2
    full = empirical_receptive_field(body, 96)
    collapsed = empirical_receptive_field(body, 96, collapse_channels=True)
    assert full.rows == collapsed.rows and full.cols == collapsed.cols


def test_border_clipping_and_position():
    model = nn.Sequential(nn.Conv2d(1, 1, 5, padding=2), nn.Conv2d(1, 1, 5, padding=2))
    corner = empirical_receptive_field(model, 20, position=(0, 0))
    assert corner.rows == (0, 4) and corner.cols == (0, 4)  # rf 9 centred at 0, clipped to 0..4
    with pytest.raises(ValueError, match="outside"):
        empirical_receptive_field(model, 20, position=(30, 0))


def test_effective_field_is_peaked_and_normalised():
    torch.manual_seed(0)
    model = nn.Sequential(*[nn.Sequential(nn.Conv2d(4 if i else 1, 4, 3, padding=1), nn.ReLU()) for i in range(6)])
    erf = effective_receptive_field(model, 33, n_samples=4, generator=0)
    assert erf.shape == (33, 33) and erf.max() == 1.0
    # theoretical rf is 13 (six 3x3 convs): zero outside the 13x13 window around the centre ...
    inside = torch.zeros_like(erf, dtype=torch.bool)
    inside[10:23, 10:23] = True
    assert erf[~inside].sum() == 0 and erf[inside].sum() > 0
    # ... and concentrated: the central 7x7 (a third of the window's area... 49/169) holds most of the mass
    assert erf[13:20, 13:20].sum() > 0.5 * erf.sum()
    again = effective_receptive_field(model, 33, n_samples=4, generator=0)
    assert torch.equal(erf, again)


def test_bad_inputs():
    with pytest.raises(TypeError, match="nn.Module"):
        receptive_field("vgg", 224)
    with pytest.raises(ValueError, match="no 2-D convolution"):
        receptive_field(nn.Sequential(nn.Flatten(), nn.Linear(4, 2)), (1, 2, 2))
    with pytest.raises(ValueError, match="2-D convolution and pooling only"):
        receptive_field(nn.ConvTranspose2d(1, 1, 3), 8)
    with pytest.raises(ValueError, match="positive ints"):
        receptive_field(nn.Conv2d(1, 1, 3), (0, 5))
    with pytest.raises(TypeError, match="input_size must be"):
        receptive_field(nn.Conv2d(1, 1, 3), "7")
    with pytest.raises(ValueError, match="n_samples"):
        effective_receptive_field(nn.Conv2d(1, 1, 3), 8, n_samples=0)


def test_effective_field_follows_the_model_dtype():
    # a float64 model (e.g. positive_geometry_copy's default) gets float64 inputs
    from cvbook.analysis import positive_geometry_copy

    probe = positive_geometry_copy(nn.Sequential(nn.Conv2d(1, 2, 3), nn.Conv2d(2, 1, 3)))
    erf = effective_receptive_field(probe, 9, n_samples=2, generator=0)
    assert erf.shape == (9, 9) and erf.max() == 1.0
