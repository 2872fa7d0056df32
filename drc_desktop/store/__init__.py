"""The encrypted vault (DESIGN.md §3-4): the only package that knows SQLCipher.

``vault.Vault`` opens, creates, re-keys, verifies, backs up and restores the vault file;
``repositories`` reads and writes profiles, history items, outputs and the audit log inside
it; ``schema`` holds the versioned schema and its forward migrations; ``location`` decides
where the data folder is.
"""
