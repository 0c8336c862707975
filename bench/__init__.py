"""Benchmarks of the console against the fake GitBook: `make bench` or `python -m bench`.

Each figure is a ratio or a count measured side by side in one run, printed as
a table and written to bench/results.json.
"""
