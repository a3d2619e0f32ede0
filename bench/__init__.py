"""Benchmarks (``make bench``): figures with ratios to a baseline measured in the same run."""
