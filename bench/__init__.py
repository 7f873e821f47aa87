"""Benchmarks of Cooperage: scripts that print figures and ratios against same-run baselines."""
