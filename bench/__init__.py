"""Benchmarks that print ratios against a raw baseline measured in the same run (`make bench [QUICK=1]`)."""
