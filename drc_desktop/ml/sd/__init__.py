"""The bring-your-own-model backend: local Stable Diffusion 1.5 / SDXL with IP-Adapter.

``configs`` locates the shipped component configs, ``clip_encoder`` wraps a CLIP vision model
as an ``Encoder``, ``ip_adapter`` reads adapter files and routes style and layout to their
blocks, ``pipeline`` loads a registered model offline and generates from precomputed
embeddings; ``profile_adapter`` is a profile's learned DRC composition. The model files
themselves: ``formats`` detects what a file or folder is (safetensors only), ``registry``
hashes, links and verifies registered models.
"""
