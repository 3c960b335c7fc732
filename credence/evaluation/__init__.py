"""Measurements against public annotated data (read by path, never copied into the project)."""
