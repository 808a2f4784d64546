"""Stage-wise parameter and FLOP breakdown."""
import pytest
import torch

from cvbook.analysis import count_flops, count_params
from cvbook.models import create
from cvbook.models.zoo import stage_costs


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
