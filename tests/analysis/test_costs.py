"""Costs by stage (sums to the whole model) and by layer type (hand counts, MobileNet v1 Table 2)."""
import pytest
import torch
from torch import nn

from cvbook.analysis import count_flops, count_params
from cvbook.analysis.costs import LayerTypeCost, costs_by_layer_type, layer_type
from cvbook.analysis.costs import stage_costs
from cvbook.models import create


@pytest.mark.parametrize("name", ["resnet50", "vgg16", "mobilenet_v2", "densenet121", "googlenet",
                                  "xception", "shufflenet_v2_x1_0"])
def test_stages_sum_to_the_whole_model(name):
    with torch.device("meta"):
        m = create(name).eval()
        x = torch.empty(1, 3, 224, 224)
        costs = stage_costs(m, x)
        total_flops = count_flops(m, x)
    assert sum(c.params for c in costs) == count_params(m)
    assert sum(c.flops for c in costs) == total_flops


def test_vgg16_parameters_sit_in_the_first_fc_layer():
    # classifier.0 is Linear(512*7*7, 4096): 25088*4096 + 4096 = 102,764,544 parameters
    with torch.device("meta"):
        costs = {c.name: c for c in stage_costs(create("vgg16"), torch.empty(1, 3, 224, 224))}
    assert costs["classifier"].params == 25088 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000


def test_bad_input():
    with pytest.raises(TypeError, match="\\(B, C, H, W\\)"):
        stage_costs(create("resnet18"), torch.zeros(3, 8, 8))


def _net() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, bias=False),        # full 3x3
        nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False),  # depthwise 3x3
        nn.Conv2d(8, 16, 1, bias=False),                  # pointwise
        nn.Conv2d(16, 16, 3, padding=1, groups=4, bias=False),  # grouped 3x3
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10),
    )


def test_hand_counts_on_a_4x4_input():
    r = costs_by_layer_type(_net(), torch.zeros(1, 3, 4, 4))
    hw = 16  # output positions of every conv (stride 1, same padding)
    # multiply-adds = weights x output positions; FLOPs = 2 x multiply-adds
    assert r["full 3x3"] == LayerTypeCost("full 3x3", 8 * 3 * 9, 2 * 8 * 3 * 9 * hw, 1)
    assert r["depthwise 3x3"] == LayerTypeCost("depthwise 3x3", 8 * 9, 2 * 8 * 9 * hw, 1)
    assert r["pointwise 1x1"] == LayerTypeCost("pointwise 1x1", 16 * 8, 2 * 16 * 8 * hw, 1)
    assert r["grouped 3x3"] == LayerTypeCost("grouped 3x3", 16 * 4 * 9, 2 * 16 * 4 * 9 * hw, 1)
    fc = r["fully connected"]
    assert (fc.params, fc.flops, fc.layers, fc.mult_adds) == (16 * 10 + 10, 2 * 160, 1, 160)


def test_mobilenet_v1_totals_match_the_paper():
    from cvbook.models import create

    with torch.device("meta"):
        r = costs_by_layer_type(create("mobilenet_v1").eval(), torch.empty(1, 3, 224, 224))
    # Howard et al. 2017: 569 M mult-adds; 13 depthwise and 13 pointwise layers, one full conv, one FC
    assert round(sum(c.mult_adds for c in r.values()) / 1e6) == 569
    assert (r["depthwise 3x3"].layers, r["pointwise 1x1"].layers, r["full 3x3"].layers) == (13, 13, 1)


def test_layer_type_of_other_modules_is_none():
    assert layer_type(nn.ReLU()) is None
    assert layer_type(nn.Conv2d(4, 4, (1, 3), groups=2)) == "grouped 1x3"


def test_bad_input():
    with pytest.raises(ValueError, match="no Conv2d or Linear"):
        costs_by_layer_type(nn.ReLU(), torch.zeros(1, 1, 2, 2))
    with pytest.raises(TypeError, match="nn.Module"):
        costs_by_layer_type("net", torch.zeros(1))
