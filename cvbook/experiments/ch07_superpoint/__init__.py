"""Chapter 7 drivers: classical detector baselines (OpenCV), the MagicPoint training recipe, and the descriptor
head with its homography evaluation against ORB."""
from cvbook.experiments.ch07_superpoint.baselines import BASELINES, detect_fast, detect_harris, detect_shi_tomasi, harris_response
from cvbook.experiments.ch07_superpoint.train import (DetectorScore, MagicPointRun, evaluate_detector,
                                                     magicpoint_detector, train_magicpoint)

__all__ = ["BASELINES", "DetectorScore", "MagicPointRun", "magicpoint_detector", "detect_fast", "detect_harris", "detect_shi_tomasi", "harris_response", "evaluate_detector",
           "train_magicpoint"]
from cvbook.experiments.ch07_superpoint.descriptors import (DescriptorRecipe, HomographicPairs,
                                                            dense_correspondence_accuracy, make_pairs,
                                                            superpoint_from_magicpoint, train_descriptor_head)
from cvbook.experiments.ch07_superpoint.homography_eval import (Matches, estimate_homography, orb_matches, score_pair,
                                                                superpoint_matches)

__all__ += ["DescriptorRecipe", "HomographicPairs", "dense_correspondence_accuracy", "make_pairs",
            "superpoint_from_magicpoint", "train_descriptor_head", "Matches", "estimate_homography", "orb_matches",
            "score_pair", "superpoint_matches"]
