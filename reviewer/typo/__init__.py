"""Offline statistical typo detection: a character n-gram model, candidate tables and a detector.

Everything heavy is loaded lazily on first use (see `resources()`), so importing the rules costs
nothing; the model files are built by scripts/build_lm.py (provenance in data/PROVENANCE.md).
"""
