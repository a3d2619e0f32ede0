"""Qalakar gateway package."""
