"""The `credence` command.

`credence run` runs the score-articles flow. The measuring and maintenance commands
(`evaluate`, `bench`, `sources`) live in their own modules, each exposing
``add_arguments(parser)`` and ``run(arguments) -> int``; this file only wires them up.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from datetime import date
from pathlib import Path

from credence import io

# (group, command) -> (module, one-line help)
SUBCOMMANDS: dict[tuple[str, str], tuple[str, str]] = {
    ("evaluate", "attribution"): ("credence.evaluation.attribution", "source/cue/content extraction against PolNeAR-format data"),
    ("evaluate", "matching"): ("credence.evaluation.matching", "same-proposition matching against MRPC"),
    ("evaluate", "stance"): ("credence.evaluation.stance", "stance (agree/disagree/discuss/unrelated) against FNC-1"),
    ("evaluate", "stories"): ("credence.evaluation.stories", "story search (which articles are one story) against FNC-1's bodies"),
    ("bench", "truth"): ("credence.evaluation.truth", "synthetic truth-discovery benchmark and real fusion data"),
    ("bench", "pipeline"): ("flows.bench", "end-to-end throughput on a synthetic corpus"),
    ("sources", "import-ratings"): ("credence.ratings", "turn a CSV of domain ratings into outlet priors"),
    ("sources", "merge-discovered"): ("credence.ratings", "merge curated rows of sources_discovered.csv into the registry"),
}


def _run(arguments: argparse.Namespace) -> int:
    # Offline-safe Prefect defaults when the caller has not chosen (see README, "Development").
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The temporary server's first start creates its database: give a busy machine time.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from flows.score_articles import score_articles

    run_dir = score_articles(
        raw_dir=arguments.raw_dir,
        out_dir=arguments.out_dir,
        run_date=arguments.date,
        config_dir=arguments.config_dir,
        window_days=arguments.window_days,
    )
    print(f"Report: {run_dir.rstrip('/')}/report.html")
    return 0


def _add_run(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="run the score-articles flow once (Prefect embedded mode)")
    # Text, not Path: a Path would fold an fsspec URL's "s3://" into "s3:/".
    run.add_argument("--raw-dir", default=str(io.DEFAULT_RAW_DIR), help="folder or fsspec URL of input articles (default: data/raw)")
    run.add_argument("--out-dir", default=str(io.DEFAULT_OUT_DIR), help="folder or fsspec URL for run outputs (default: data/processed)")
    run.add_argument("--config-dir", type=Path, default=io.DEFAULT_CONFIG_DIR, help="folder of the YAML configuration (default: config)")
    run.add_argument("--date", type=date.fromisoformat, default=None, help="run date YYYY-MM-DD (default: today, UTC)")
    run.add_argument("--window-days", type=int, default=7, help="corroboration window in days (default: 7)")
    run.set_defaults(handler=_run)


def _not_built(module: str):  # type: ignore[no-untyped-def]
    def handler(arguments: argparse.Namespace) -> int:
        print(f"{arguments.group} {arguments.name}: not available in this version ({module} is missing)", file=sys.stderr)
        return 2

    return handler


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="credence", description="Source-credibility scoring of news claims.")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_run(commands)
    groups: dict[str, argparse._SubParsersAction] = {}
    for (group, name), (module_name, help_text) in SUBCOMMANDS.items():
        if group not in groups:
            groups[group] = commands.add_parser(group, help=f"{group} commands").add_subparsers(dest="name", required=True)
        sub = groups[group].add_parser(name, help=help_text)
        sub.set_defaults(group=group, name=name)
        if importlib.util.find_spec(module_name) is None:
            sub.set_defaults(handler=_not_built(module_name))
            continue
        module = importlib.import_module(module_name)
        # A module serving two commands names its functions after the command.
        suffix = "" if hasattr(module, "add_arguments") else "_" + name.replace("-", "_")
        getattr(module, "add_arguments" + suffix)(sub)
        sub.set_defaults(handler=getattr(module, "run" + suffix))
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    return int(arguments.handler(arguments))


if __name__ == "__main__":
    sys.exit(main())
