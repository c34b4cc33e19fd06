"""Reproducible benchmarks and the data generator they use (see docs/benchmarks.md).

`python -m bench crm-generate` fills a PostgreSQL database with a realistic customer
record; `python -m bench crm-measure` times the customer pages against it.
"""
