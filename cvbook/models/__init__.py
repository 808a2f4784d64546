"""Architectures of chapter 4, from AlexNet to EfficientNet, and a tiny registry.

``create("resnet50", num_classes=10)`` builds a model by name; ``list_models("resnet*")`` lists
them. Where torchvision has the same model, the name and the parameter count are torchvision's.
"""
from cvbook.models.alexnet import AlexNet, alexnet
from cvbook.models.bench import Benchmark, small_benchmark, train_on_benchmark
from cvbook.models.cifar_resnet import CifarBasicBlock, CifarResNet, ShortcutA, cifar_resnet
from cvbook.models.densenet import DenseBlock, DenseLayer, DenseNet, densenet121, densenet169
from cvbook.models.diary import DiaryCNN, DiaryMLP
from cvbook.models.efficientnet import (EFFICIENTNET_PARAMS, EfficientNet, compound_scaling,
                                        efficientnet_b0, efficientnet_b1, efficientnet_b2)
from cvbook.models.googlenet import GoogLeNet, Inception, InceptionAux, googlenet
from cvbook.models.mobilenet_v1 import MobileNetV1, mobilenet_v1
from cvbook.models.mobilenet_v2 import MobileNetV2, mobilenet_v2
from cvbook.models.mobilenet_v3 import MobileNetV3, mobilenet_v3_large, mobilenet_v3_small
from cvbook.models.octave import OctaveConv
from cvbook.models.preact_resnet import (PreActBasicBlock, PreActBottleneck, PreActResNet,
                                         preact_resnet18, preact_resnet50)
from cvbook.models.registry import TASKS, ModelInfo, create, list_models, model_info, register
from cvbook.models.res2net import Res2NetBottleneck, res2net50_26w_4s
from cvbook.models.resnet import (BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50,
                                  resnet50_v1, resnet101, resnet152)
from cvbook.models.resnext import (RESNEXT_FORMS, ResNeXtBottleneck, resnext50_32x4d,
                                   resnext101_32x8d, set_resnext_form)
from cvbook.models.scnet import SCConv
from cvbook.models.senet import SEBottleneck, SECifarBasicBlock, se_resnet50
from cvbook.models.shufflenet_v1 import ShuffleNetV1, ShuffleV1Unit, shufflenet_v1_g3
from cvbook.models.shufflenet_v2 import (ShuffleNetV2, ShuffleV2Unit, shufflenet_v2_x0_5,
                                         shufflenet_v2_x1_0, shufflenet_v2_x1_5, shufflenet_v2_x2_0)
from cvbook.models.sknet import SKConv
from cvbook.models.squeezenet import Fire, SqueezeNet, squeezenet1_0, squeezenet1_1
from cvbook.models.strip_pooling import StripPooling
from cvbook.models.vgg import VGG, VGG_CONFIGS, make_vgg_features, vgg11, vgg13, vgg16, vgg19
from cvbook.models.zoo import StageCost, stage_costs
from cvbook.models.xception import SeparableConv2d, Xception, XceptionBlock, xception

# the lead's MNIST nets of the research diary (chapter 3), registered under stable names
register("diary_mlp")(DiaryMLP)
register("diary_cnn")(DiaryCNN)

__all__ = [
    "AlexNet", "TASKS", "ModelInfo", "model_info", "BasicBlock", "Benchmark", "StageCost", "stage_costs", "small_benchmark", "train_on_benchmark", "Bottleneck", "CifarBasicBlock", "CifarResNet", "DenseBlock",
    "DenseLayer", "DenseNet", "DiaryCNN", "DiaryMLP", "EFFICIENTNET_PARAMS", "EfficientNet", "Fire",
    "GoogLeNet", "Inception", "InceptionAux", "MobileNetV1", "MobileNetV2", "MobileNetV3",
    "OctaveConv", "PreActBasicBlock", "PreActBottleneck", "PreActResNet", "RESNEXT_FORMS",
    "Res2NetBottleneck", "ResNeXtBottleneck", "ResNet", "SCConv", "SEBottleneck",
    "SECifarBasicBlock", "SKConv", "SeparableConv2d", "ShortcutA", "ShuffleNetV1", "ShuffleNetV2",
    "ShuffleV1Unit", "ShuffleV2Unit", "SqueezeNet", "StripPooling", "VGG", "VGG_CONFIGS",
    "Xception", "XceptionBlock", "alexnet", "cifar_resnet", "compound_scaling", "create",
    "densenet121", "densenet169", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2",
    "googlenet", "list_models", "make_vgg_features", "mobilenet_v1", "mobilenet_v2",
    "mobilenet_v3_large", "mobilenet_v3_small", "preact_resnet18", "preact_resnet50", "register",
    "res2net50_26w_4s", "resnet18", "resnet34", "resnet50", "resnet50_v1", "resnet101",
    "resnet152", "resnext50_32x4d", "resnext101_32x8d", "se_resnet50", "set_resnext_form",
    "shufflenet_v1_g3", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5",
    "shufflenet_v2_x2_0", "squeezenet1_0", "squeezenet1_1", "vgg11", "vgg13", "vgg16", "vgg19",
    "xception",
]
import cvbook.models.segmentation  # noqa: E402,F401  (registers the chapter-6 models)
import cvbook.models.detection  # noqa: E402,F401  (registers the chapter-5 models)
import cvbook.models.cifar_small  # noqa: E402,F401  (registers the 8-layer CIFAR nets, chapter 4)
import cvbook.models.keypoints  # noqa: E402,F401  (registers the chapter-7 models)
