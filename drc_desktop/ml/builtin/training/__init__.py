"""``drc train builtin``: train every drc-mini component from a seed, resumably.

One module per stage: ``autoencoder`` (stage 0), ``attributes`` (the encoder's pre-training
and the judges), ``stage1``, ``stage2``; ``recipe`` runs them in order, ``config`` holds
``TrainConfig`` and the stage seeds.

Stages, in order (each saved under ``OUT/checkpoints/`` when done, so a rerun resumes):

0. ``autoencoder``: the generator's working space, 64x64 stickers <-> 16x16x4 latents
   (``ml/builtin/autoencoder.py``), by reconstruction; frozen after.
1. ``encoder``: the sticker encoder with attribute heads on the training pool; frozen after.
2. ``stage1``: disentanglement learning (DESIGN.md §2): StyleTower, SemTower, FusionNetwork
   and a reconstruction head, on triplets, with difficulty-aware importance sampling.
3. ``stage2-drc`` and ``stage2-entangled``: the generator (UNet + fusion) of each method, the
   same recipe and step count, with condition dropout and semantic-preserving augmentation
   of the reference; checkpoints every ``checkpoint_every`` steps.

Every stage draws from its own random streams, seeded from ``(seed, stage)``, and stage 2
reseeds at every checkpoint boundary, so a run resumed from its checkpoints gives the same
weights as an uninterrupted one. The pool mixes sticker-like and whole-colour-space palettes
and the stage-2 histories repeat semantics (``sticker_data.HISTORY_KINDS``; issue #10 §1).

The result is a model folder (``MiniModel.load``) with a SHA-256 manifest. The evaluation
judges are trained by their own command (``drc train judges``, ``train_judges``), on their own
pool and seed, never on the model's data.
"""

from drc_desktop.ml.builtin.training.attributes import judges_file, train_judges
from drc_desktop.ml.builtin.training.config import TrainConfig
from drc_desktop.ml.builtin.training.recipe import train_builtin

__all__ = ["TrainConfig", "judges_file", "train_builtin", "train_judges"]
