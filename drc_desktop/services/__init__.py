"""The operations that join the vault (``store/``) and the models (``ml/``), without Qt.

``intake`` imports images into a profile (vectors only), ``generation`` generates for a
profile and stores the outputs, ``models`` registers bring-your-own model files,
``adapters`` trains a profile's learned composition. The CLI, the view-models and the demo
call these; nothing else imports both ``store/`` and ``ml/`` (tests/test_layers.py).
"""
