"""Serve the nightly deployment `score-articles/nightly`: 02:00 every day, one run at a time.

Start a Prefect server first (`make ui`), then `make serve`: this process registers the
deployment, runs it on schedule and runs what is triggered from the UI's "Run" button.
The time zone comes from CREDENCE_TIMEZONE (an IANA name, default UTC).
"""

from __future__ import annotations

import os

from prefect.schedules import Cron

from flows.score_articles import score_articles

NIGHTLY_CRON = "0 2 * * *"


def main() -> None:
    timezone = os.environ.get("CREDENCE_TIMEZONE", "UTC")
    score_articles.serve(
        name="nightly",
        schedules=[Cron(NIGHTLY_CRON, timezone=timezone)],
        # One run at a time, so that a run started from the UI cannot overlap the nightly one.
        global_limit=1,
        description="Nightly credence run over data/raw; reports in data/processed/<run_date>/.",
        tags=["credence", "nightly"],
    )


if __name__ == "__main__":
    main()
