"""The DRC method in the paper's terms (Xu et al. 2025), used by every backend.

The disentangler (StyleTower, SemTower), the FusionNetwork and its latent instruction,
compositional guidance, semantic-preserving augmentation and difficulty-aware importance
sampling. docs/method.md maps each to the paper's sections.
"""
