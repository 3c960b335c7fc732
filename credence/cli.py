"""The `credence` command: `credence run` runs the score-articles flow."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from credence import io


def _run(arguments: argparse.Namespace) -> int:
    # Offline-safe Prefect defaults when the caller has not chosen (see README, "Development").
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.score_articles import score_articles

    run_dir = score_articles(
        raw_dir=arguments.raw_dir,
        out_dir=arguments.out_dir,
        run_date=arguments.date,
        config_dir=arguments.config_dir,
        window_days=arguments.window_days,
    )
    print(f"Report: {Path(run_dir) / 'report.html'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="credence", description="Source-credibility scoring of news claims.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the score-articles flow once (Prefect embedded mode)")
    run.add_argument("--raw-dir", type=Path, default=io.DEFAULT_RAW_DIR, help="folder of input articles (default: data/raw)")
    run.add_argument("--out-dir", type=Path, default=io.DEFAULT_OUT_DIR, help="folder for run outputs (default: data/processed)")
    run.add_argument("--config-dir", type=Path, default=io.DEFAULT_CONFIG_DIR, help="folder of the YAML configuration (default: config)")
    run.add_argument("--date", type=date.fromisoformat, default=None, help="run date YYYY-MM-DD (default: today, UTC)")
    run.add_argument("--window-days", type=int, default=7, help="corroboration window in days (default: 7)")
    run.set_defaults(handler=_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    return int(arguments.handler(arguments))


if __name__ == "__main__":
    sys.exit(main())
