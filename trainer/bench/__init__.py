"""Benchmarks of the customer and the grader, run by `empathy-trainer bench`."""
