"""Thin Prefect tasks: load through credence.io, call credence's pure functions, log counts."""
