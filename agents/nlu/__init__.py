"""The embedded NLU: an intent classifier, entity extractors and per-tool skills."""
