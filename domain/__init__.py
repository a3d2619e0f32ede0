"""Qalakar domain package."""
