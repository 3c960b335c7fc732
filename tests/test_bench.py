"""`credence bench pipeline` on a tiny synthetic night: it runs end to end and writes the documented table."""

from __future__ import annotations

import argparse
import json

import pytest

from flows import bench

pytestmark = pytest.mark.slow


def test_bench_pipeline_writes_the_documented_table(prefect_server, tmp_path):
    """Two nights (the second incremental), per-stage seconds read back from the Prefect API, bare spaCy beside."""
    out = tmp_path / "bench.json"
    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    arguments = parser.parse_args(["--articles", "12", "--new", "3", "--batch-size", "5", "--json", str(out), "--keep", str(tmp_path / "workspace")])
    assert bench.run(arguments) == 0
    table = json.loads(out.read_text())
    assert {"articles", "words", "wall_s", "articles_per_s", "words_per_s", "spacy_words_per_s", "peak_rss_mb", "stages"} <= set(table)
    assert table["articles"] == 12 and table["words"] > 0 and table["spacy_words_per_s"] > 0
    assert table["parse_processes"] >= 1 and table["bare_processes"] == 1
    assert set(table["stages"]) == set(bench.STAGES)
    assert table["stages"]["split-claims"] > 0 and table["stages"]["write-report"] > 0
    assert table["incremental"]["new_articles"] == 3 and table["incremental"]["wall_s"] > 0
