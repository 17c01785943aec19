"""Commands for cron: `apply-retention` and `clean-orphans`."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask

from fieldapp.extensions import db


def register(app: Flask) -> None:
    @app.cli.command("apply-retention")
    @click.option(
        "--months",
        type=click.IntRange(min=1),
        default=None,
        help="Override REPORTER_DATA_RETENTION_MONTHS for this run.",
    )
    def apply_retention_command(months: int | None) -> None:
        """Anonymise reporter contact data and participant names older than the retention period.

        The findings themselves stay. Safe to run again: a second run changes nothing.
        """
        from fieldapp.audit.services import record
        from fieldapp.privacy.retention import apply_retention

        months = months or app.config["REPORTER_DATA_RETENTION_MONTHS"]
        report = apply_retention(db.session, months)
        # Every run, also one that changed nothing: the privacy page shows when it last ran.
        detail = {"months": months, "total": report.total, **report.as_dict()}
        record(db.session, None, "retention.applied", detail=detail)
        db.session.commit()
        click.echo(f"apply-retention: data older than {months} months")
        for name, count in report.as_dict().items():
            click.echo(f"  {name.replace('_', ' ')}: {count}")
        click.echo(f"apply-retention: {report.total} changed")

    @app.cli.command("clean-orphans")
    @click.option("--dry-run", is_flag=True, help="Only count what would change.")
    @click.option(
        "--temp-age",
        type=click.IntRange(min=0),
        default=60,
        show_default=True,
        help="Minutes before an unfinished upload's temp file counts as abandoned.",
    )
    def clean_orphans_command(dry_run: bool, temp_age: int) -> None:
        """Finish or remove photo files left by a crash, and remove files no photo refers to."""
        from fieldapp.media.orphans import clean_orphans
        from fieldapp.media.views import get_storage

        report = clean_orphans(
            db.session, get_storage(), temp_age=timedelta(minutes=temp_age), dry_run=dry_run
        )
        db.session.rollback()
        prefix = "clean-orphans (dry run)" if dry_run else "clean-orphans"
        verb = "would be" if dry_run else ""
        click.echo(
            f"{prefix}: {report.completed} committed uploads {verb or ''} completed, "
            f"{report.temp_removed} abandoned temp files {verb} removed, "
            f"{report.temp_kept} recent temp files kept, "
            f"{report.final_removed} unreferenced files {verb} removed".replace("  ", " ")
        )
