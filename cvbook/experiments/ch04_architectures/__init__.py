"""Chapter 4 drivers: the ShuffleNet V2 guideline stacks G1-G4 timed on this machine."""
from cvbook.experiments.ch04_architectures.guidelines import (G1_RATIOS, conv1x1_mac, g1_stack, g2_stack, g2_width,
                                                              g3_stack, g4_stack)

__all__ = ["G1_RATIOS", "conv1x1_mac", "g1_stack", "g2_stack", "g2_width", "g3_stack", "g4_stack"]
