"""Qalakar agents package."""
