"""Benchmarks a person can run with `make bench`: every figure beside the raw PTY rate."""
