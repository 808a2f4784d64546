"""Classification networks: the chapter-4 zoo from AlexNet to EfficientNet (torchvision's names and
parameter counts where torchvision has the model), the CIFAR ResNets, and the small test-bed nets of
chapters 1-3 (the diary's MNIST nets, the norm test bed ``small_cnn``, the deep sigmoid MLP).

Every model registers itself with ``task="classification"``: ``cvbook.models.create("resnet18")``.
"""
from cvbook.models.registry import register
from cvbook.models.classification.alexnet import AlexNet, alexnet
from cvbook.models.classification.cifar_resnet import CifarBasicBlock, CifarResNet, ShortcutA, cifar_resnet
from cvbook.models.classification.densenet import DenseBlock, DenseLayer, DenseNet, densenet121, densenet169
from cvbook.models.classification.diary import DiaryCNN, DiaryMLP
from cvbook.models.classification.efficientnet import (EFFICIENTNET_PARAMS, EfficientNet, compound_scaling,
                                        efficientnet_b0, efficientnet_b1, efficientnet_b2)
from cvbook.models.classification.googlenet import GoogLeNet, Inception, InceptionAux, googlenet
from cvbook.models.classification.inception_v3 import InceptionV3, branch_params
from cvbook.models.classification.mobilenet_v1 import MobileNetV1, mobilenet_v1
from cvbook.models.classification.mobilenet_v2 import MobileNetV2, mobilenet_v2
from cvbook.models.classification.mobilenet_v3 import MobileNetV3, mobilenet_v3_large, mobilenet_v3_small
from cvbook.models.classification.preact_resnet import (PreActBasicBlock, PreActBottleneck, PreActResNet,
                                         preact_resnet18, preact_resnet50)
from cvbook.models.classification.res2net import Res2NetBottleneck, res2net50_26w_4s
from cvbook.models.classification.resnet import (BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50,
                                  resnet50_v1, resnet101, resnet152)
from cvbook.models.classification.resnext import (RESNEXT_FORMS, ResNeXtBottleneck, resnext50_32x4d,
                                   resnext101_32x8d, set_resnext_form)
from cvbook.models.classification.senet import SEBottleneck, SECifarBasicBlock, se_resnet50
from cvbook.models.classification.shufflenet_v1 import ShuffleNetV1, ShuffleV1Unit, shufflenet_v1_g3
from cvbook.models.classification.shufflenet_v2 import (ShuffleNetV2, ShuffleV2Unit, shufflenet_v2_x0_5,
                                         shufflenet_v2_x1_0, shufflenet_v2_x1_5, shufflenet_v2_x2_0)
from cvbook.models.classification.squeezenet import Fire, SqueezeNet, squeezenet1_0, squeezenet1_1
from cvbook.models.classification.vgg import VGG, VGG_CONFIGS, make_vgg_features, vgg11, vgg13, vgg16, vgg19
from cvbook.models.classification.xception import Xception, XceptionBlock, xception
from cvbook.models.classification.cifar_small import (cifar_plain8, cifar_plain14, cifar_resnet8, cifar_resnet14,
                                                  se_cifar_resnet8)
from cvbook.models.classification.sigmoid_mlp import deep_sigmoid_mlp
from cvbook.models.classification.small_cnn import small_cnn
from cvbook.models.classification.supernet import SubNet, Supernet  # chapter 8: one-shot NAS (not registered: forward takes a path)

# the MNIST nets of the research diary (chapter 3), registered under stable names
register("diary_mlp")(DiaryMLP)
register("diary_cnn")(DiaryCNN)

__all__ = [
    "AlexNet",
    "alexnet",
    "branch_params",
    "BasicBlock",
    "Bottleneck",
    "cifar_plain14",
    "cifar_plain8",
    "cifar_resnet",
    "cifar_resnet14",
    "cifar_resnet8",
    "CifarBasicBlock",
    "CifarResNet",
    "compound_scaling",
    "deep_sigmoid_mlp",
    "DenseBlock",
    "DenseLayer",
    "DenseNet",
    "densenet121",
    "densenet169",
    "DiaryCNN",
    "DiaryMLP",
    "EfficientNet",
    "efficientnet_b0",
    "efficientnet_b1",
    "efficientnet_b2",
    "EFFICIENTNET_PARAMS",
    "Fire",
    "GoogLeNet",
    "googlenet",
    "Inception",
    "InceptionV3",
    "InceptionAux",
    "make_vgg_features",
    "mobilenet_v1",
    "mobilenet_v2",
    "mobilenet_v3_large",
    "mobilenet_v3_small",
    "MobileNetV1",
    "MobileNetV2",
    "MobileNetV3",
    "preact_resnet18",
    "preact_resnet50",
    "PreActBasicBlock",
    "PreActBottleneck",
    "PreActResNet",
    "res2net50_26w_4s",
    "Res2NetBottleneck",
    "ResNet",
    "resnet101",
    "resnet152",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet50_v1",
    "resnext101_32x8d",
    "resnext50_32x4d",
    "RESNEXT_FORMS",
    "ResNeXtBottleneck",
    "se_cifar_resnet8",
    "se_resnet50",
    "SEBottleneck",
    "SECifarBasicBlock",
    "set_resnext_form",
    "ShortcutA",
    "shufflenet_v1_g3",
    "shufflenet_v2_x0_5",
    "shufflenet_v2_x1_0",
    "shufflenet_v2_x1_5",
    "shufflenet_v2_x2_0",
    "ShuffleNetV1",
    "ShuffleNetV2",
    "ShuffleV1Unit",
    "ShuffleV2Unit",
    "small_cnn",
    "SubNet",
    "Supernet",
    "SqueezeNet",
    "squeezenet1_0",
    "squeezenet1_1",
    "VGG",
    "vgg11",
    "vgg13",
    "vgg16",
    "vgg19",
    "VGG_CONFIGS",
    "Xception",
    "xception",
    "XceptionBlock",
]
