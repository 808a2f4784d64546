"""Loss functions as layers and functions: cross-entropy family, hinge, label smoothing, detector
losses, triplet / center / margin losses.

Each chapter adds its losses below its own marker line; keep the markers.
"""
__all__: list[str] = []

# --- chapter 3: classification losses ---
# --- chapter 7: SuperPoint detector and descriptor losses ---
# --- chapter 8: metric learning (triplet, center, margin heads) ---
