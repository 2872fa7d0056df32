"""drc-mini, the built-in model: encoder, autoencoder, generator, sticker data, training (by
stage), judges and evaluation, and its backend (``mini_backend``)."""
