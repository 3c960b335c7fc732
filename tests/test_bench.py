"""`credence bench pipeline` on a tiny synthetic night: it runs end to end and writes the documented table."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from flows import bench

pytestmark = pytest.mark.slow


def test_bench_pipeline_writes_the_documented_table(prefect_server, tmp_path):
    """Two nights (the second incremental, then fresh and over the whole window), per-stage seconds from the Prefect API, bare spaCy beside."""
    out = tmp_path / "bench.json"
    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    arguments = parser.parse_args(
        ["--articles", "16", "--new", "8", "--fresh", "--compare-window", "--batch-size", "5", "--bare-articles", "10", "--json", str(out), "--keep", str(tmp_path / "workspace")]
    )
    assert bench.run(arguments) == 0
    table = json.loads(out.read_text())
    assert {"articles", "words", "wall_s", "articles_per_s", "words_per_s", "spacy_words_per_s", "peak_rss_mb", "stages"} <= set(table)
    assert table["articles"] == 16 and table["words"] > 0 and table["spacy_words_per_s"] > 0
    assert table["task_runner"] == "threads" and table["prefect_api_start_s"] >= 0
    # The whole bench: both nights, the bare parse, the fresh and whole-window nights.
    assert table["bench_wall_s"] >= table["wall_s"] + table["incremental"]["wall_s"] + table["incremental"]["fresh_wall_s"]
    assert table["parse_processes"] >= 1 and table["bare_processes"] == table["parse_processes"] and table["bare_articles"] == 10
    assert set(table["stage_peak_rss_mb"]) == set(bench.STAGES)
    assert set(table["stages"]) == set(bench.STAGES)
    if Path("/proc/stat").exists():  # Linux: the night and the bare parse kept the cores busy
        assert table["cpu"]["busy_s"] > 0 and table["bare_cpu"]["busy_s"] > 0 and table["cpu"]["steal_s"] >= 0
        assert table["stage_peak_rss_mb"]["write-report"] > 0  # sampled from /proc/self/statm while the stage ran
    assert table["stages"]["split-claims"] > 0 and table["stages"]["write-report"] > 0
    night = table["incremental"]
    assert night["new_articles"] == 8 and night["wall_s"] > 0 and night["fresh_wall_s"] > 0
    assert set(night["fresh_stages"]) == set(bench.STAGES)
    # Tonight's stories alone or the whole window: the new claims score the same.
    assert night["whole_window"]["claims_compared"] > 0
    assert night["whole_window"]["max_abs_score_difference"] < 0.01 and night["whole_window"]["status_changed_share"] == 0.0


def test_synthetic_stories_keep_their_names_across_nights(tmp_path):
    """A story's vocabulary depends on its number only; a next night can continue it, and stories read differently."""
    from credence import synthetic

    assert synthetic.story(41) == synthetic.story(41)
    first, second = synthetic.story(1), synthetic.story(2)
    assert first.place != second.place and first.speakers != second.speakers
    night = synthetic.generate(tmp_path / "a", articles=40, seed=3)
    assert night.articles == 40 and night.stories_end == 5 and 1 <= night.stories <= 5
    later = synthetic.generate(tmp_path / "b", articles=40, seed=4, first_story=night.stories_end - 2)
    text = "".join(path.read_text() for path in later.files)
    assert synthetic.story(night.stories_end - 1).place in text or synthetic.story(night.stories_end - 2).place in text


def test_stage_seconds_count_overlapping_task_runs_once():
    """Two parse batches running at once take the stage's wall time, not the sum of their durations."""
    runs = [("split-claims", 0.0, 10.0), ("split-claims", 1.0, 12.0), ("split-claims", 15.0, 16.0), ("ingest-articles", 0.0, 2.0)]
    seconds = bench._stage_seconds(runs)
    assert seconds["split-claims"] == 13.0 and seconds["ingest-articles"] == 2.0 and seconds["write-report"] == 0.0
