"""DRC Desktop: privacy-first personalized image generation (DRC, Xu et al. 2025)."""

__version__ = "0.1.0"
