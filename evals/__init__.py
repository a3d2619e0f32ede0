"""Qalakar evals package."""
