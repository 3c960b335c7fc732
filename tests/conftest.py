"""Shared fixtures: the project's paths, configuration, the spaCy pipeline and the sample run."""

from __future__ import annotations

import os

# Before Prefect is imported anywhere: offline-safe, no telemetry.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from credence import config, ingest, nlp, pipeline  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = PROJECT_ROOT / "data" / "raw"
CONFIG_DIR = PROJECT_ROOT / "config"
RUN_DATE = date(2026, 11, 29)
SHARED_DIR = Path(os.environ.get("CREDENCE_SHARED", PROJECT_ROOT.parent / "shared"))


def shared_file(relative: str) -> Path:
    """A file of ../shared, or skip the test with the reason it is absent."""
    path = SHARED_DIR / relative
    if not path.exists():
        pytest.skip(f"{path} is absent (set CREDENCE_SHARED to the folder holding shared/ data)")
    return path


@pytest.fixture(scope="session")
def settings() -> config.Config:
    return config.load_config(CONFIG_DIR)


@pytest.fixture(scope="session")
def english():
    return nlp.load_pipeline()


@pytest.fixture(scope="session")
def sample_scored(settings, english) -> pd.DataFrame:
    """The bundled sample corpus, scored in memory (the same chain the flow runs)."""
    articles = ingest.ingest(RAW_DIR).articles
    return pipeline.score_articles(articles, settings, english)


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect server for the whole session (about 7 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def sample_run(prefect_server, tmp_path_factory):
    """The flow run once on the sample corpus: (out_dir, run_dir)."""
    from flows.score_articles import score_articles

    out_dir = tmp_path_factory.mktemp("processed")
    run_dir = score_articles(raw_dir=RAW_DIR, out_dir=out_dir, run_date=RUN_DATE, config_dir=CONFIG_DIR, window_days=7)
    return out_dir, Path(run_dir)
