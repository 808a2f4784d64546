"""Models of task ``segmentation`` (registered with ``task="segmentation"``).

Every model maps ``(B, C, H, W)`` images to ``(B, num_classes, H, W)`` logits at the input's full
resolution, for any ``H, W``: FCN-32s/16s/8s, U-Net (same and valid padding), DeepLab v3, the plain
dilated baseline and a strip-pooling net.
"""
from cvbook.models.segmentation.deeplab import DeepLabV3, DilatedBackbone, DilatedSegNet, deeplabv3, dilated_fcn, spnet, sqpnet
from cvbook.models.segmentation.fcn import (FCN, SmallVGG, SmallVGGClassifier, bilinear_upsampler, convolutionalize,
                                            fcn8s, fcn16s, fcn32s)
from cvbook.models.segmentation.unet import UNet, mirror_pad, overlap_tile_predict, unet, unet_valid
from cvbook.models.segmentation.small import PADDINGS, SmallValidNet, small_valid  # noqa: E402  (padding page)

__all__ = ["DeepLabV3", "DilatedBackbone", "DilatedSegNet", "FCN", "SmallVGG", "SmallVGGClassifier", "UNet",
           "bilinear_upsampler", "convolutionalize", "deeplabv3", "dilated_fcn", "fcn8s", "fcn16s", "fcn32s",
           "mirror_pad", "overlap_tile_predict", "spnet", "sqpnet", "unet", "unet_valid"]
__all__ += ["PADDINGS", "SmallValidNet", "small_valid"]
