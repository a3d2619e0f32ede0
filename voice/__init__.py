"""Qalakar voice package."""
