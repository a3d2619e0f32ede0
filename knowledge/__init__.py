"""Qalakar knowledge package."""
