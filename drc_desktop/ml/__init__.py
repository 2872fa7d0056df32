"""torch and diffusers code: encoders, the DRC disentangler and fusion, generators, training.

Importing this package switches the Hugging Face libraries to offline mode before any of them
is imported (DESIGN.md §4: no network, ever).
"""

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no library notices on the user's stderr
