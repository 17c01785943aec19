"""Command-line tasks: `flask --app fieldapp <command>`."""

from __future__ import annotations

import time

import click
from flask import Flask

from fieldapp.auth.models import ROLES
from fieldapp.auth.services import AccountError, create_user
from fieldapp.extensions import db

PHOTO_BATCH = 10  # photos per round, so due mail never waits behind a long photo queue


def _step(label: str, work):
    """Run one step of a long command, saying what it does and how long it took."""
    click.echo(f"{label}...", nl=False)
    started = time.monotonic()
    result = work()
    click.echo(f" done ({time.monotonic() - started:.1f} s)")
    return result


def register(app: Flask) -> None:
    from fieldapp.media.cli import register as register_photo_commands

    register_photo_commands(app)
    from fieldapp.privacy.cli import register as register_privacy

    register_privacy(app)

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--name", default="", help="Full name shown to colleagues.")
    @click.option("--role", type=click.Choice(ROLES), default="coordinator", show_default=True)
    @click.password_option(
        help="At least 12 characters, not the e-mail address or a common password; "
        "asked for when not given."
    )
    def create_user_command(email: str, name: str, role: str, password: str) -> None:
        """Create a staff account (admin, coordinator or staff)."""
        try:
            user = create_user(db.session, email, name, password, role)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"Created {user.role} {user.email}")

    @app.cli.command("deactivate-user")
    @click.argument("email")
    @click.option("--successor", metavar="EMAIL", help="Active user who takes over open items.")
    @click.option(
        "--to-unassigned",
        is_flag=True,
        help="Move open items to their organisation's unassigned queue instead.",
    )
    def deactivate_user_command(email: str, successor: str | None, to_unassigned: bool) -> None:
        """Deactivate a user; refused while they own open items, unless a successor or the
        unassigned queue is named. Everything moves in one transaction, in the audit log."""
        from fieldapp.auth.services import find_user
        from fieldapp.orgs.ownership import OwnershipError, deactivate_user

        user = find_user(db.session, email)
        if user is None:
            raise click.ClickException(f"No user with the e-mail {email}.")
        heir = None
        if successor:
            heir = find_user(db.session, successor)
            if heir is None:
                raise click.ClickException(f"No user with the e-mail {successor} (successor).")
        try:
            handover = deactivate_user(
                db.session,
                user,
                None,
                successor=heir,
                to_unassigned=to_unassigned,
                reason=f"deactivate-user {user.email}",
            )
        except OwnershipError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        target = heir.email if heir else "their organisation's unassigned queue"
        moved = ", ".join(f"{len(ids)} {kind}" for kind, ids in handover.moved.items() if ids)
        click.echo(f"Deactivated {user.email}.")
        if handover.total:
            click.echo(f"Moved {handover.total} open items ({moved}) to {target}.")

    @app.cli.command("send-digests")
    def send_digests_command() -> None:
        """Queue this ISO week's needs-attention digest for each organisation's contact
        addresses and each owner. Run weekly (cron or a systemd timer); a second run in the
        same week sends nothing new. The mail worker delivers them."""
        from fieldapp.attention.digest import send_digests
        from fieldapp.attention.digest_mail import render_digest
        from fieldapp.db import utcnow

        run = send_digests(db.session, utcnow(), render_digest)
        db.session.commit()
        click.echo(
            f"send-digests {run.week}: {len(run.sent)} queued, "
            f"{len(run.already_sent)} already sent this week, "
            f"{len(run.nothing_to_do)} with nothing to do."
        )

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the Danish demo: two walks in Aalborg with observations. Safe to run twice."""
        from fieldapp.demo import DEMO_ACCOUNTS, seed_demo

        created = seed_demo(db.session)
        db.session.commit()
        if not created:
            click.echo("Demo data is already there; nothing changed.")
            return
        click.echo(
            f"Demo data loaded: {created['walks']} walks, {created['observations']} observations, "
            f"{created['issues']} issues."
        )
        from fieldapp.orgs.defaults import DEMO_STAFF

        for email, password, role in (*DEMO_ACCOUNTS, (*DEMO_STAFF, "staff")):
            click.echo(f"  {role:<12} {email}  password: {password}")

    @app.cli.command("stats-summary")
    def stats_summary_command() -> None:
        """Recount the dashboards' summaries, the issues' resolution times, observed times and
        areas, and the map's cells.

        Every change through the app keeps it in step; this is for after bulk SQL (imports,
        hand fixes) that bypassed the app.
        """
        from fieldapp.stats import issue_times, place_summary
        from fieldapp.stats.summary import rebuild
        from fieldapp.triage import issue_spans, map_summary

        # Each step is a pass over every row: at a municipality's scale (1M observations) the
        # whole command takes about a minute, so each step says when it is done.
        connection = db.session.connection()
        rows = _step("Observation summary", lambda: rebuild(db.session))
        _step("Map cells", lambda: map_summary.rebuild(connection))
        place_rows = _step("Walk and hot-spot summaries", lambda: place_summary.rebuild(connection))
        resolved = _step("Resolution times", lambda: issue_times.rebuild(connection))
        spans = _step("Observed times and areas", lambda: issue_spans.refresh(db.session))
        db.session.commit()
        click.echo(f"Observation summary recounted: {rows} rows; map cells recounted.")
        click.echo(
            f"Walk and hot-spot summaries recounted: {place_rows} rows; "
            f"resolution times of {resolved} issues recomputed."
        )
        click.echo(f"Observed times and areas of {spans} issues recomputed.")

    @app.cli.command("create-api-client")
    @click.argument("name")
    def create_api_client_command(name: str) -> None:
        """Create an Open311 client and print its api_key once (only a hash is stored)."""
        from fieldapp.open311.services import create_api_client

        try:
            client, key = create_api_client(db.session, name)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"Created Open311 client {client.name!r} (id {client.id}).")
        click.echo(f"api_key: {key}")
        click.echo("Store it now: it is not shown again and cannot be recovered.")

    @click.option("--once", is_flag=True, help="Do what is due now, then exit.")
    @click.option("--interval", default=10.0, show_default=True, help="Seconds between polls.")
    @click.option("--batch", default=50, show_default=True, help="Messages per round at most.")
    def worker_command(once: bool, interval: float, batch: int) -> None:
        """Deliver the e-mail outbox with retries and process queued photos (blur, resize).

        Without MAIL_SERVER, mail is printed instead. Runs until stopped (Ctrl-C or SIGTERM);
        the message or photo in hand is finished first.
        """
        import signal
        from datetime import timedelta

        from fieldapp.media.jobs import JobCounts, process_due
        from fieldapp.media.views import get_storage
        from fieldapp.notify.smtp import MailSettings, make_sender
        from fieldapp.notify.worker import run

        stop = {"requested": False}

        def request_stop(signum, frame) -> None:
            stop["requested"] = True

        if not once:
            signal.signal(signal.SIGTERM, request_stop)
            signal.signal(signal.SIGINT, request_stop)
        photos = JobCounts()
        storage = get_storage()

        def photo_task(should_stop) -> bool:
            counts = process_due(
                db.session,
                storage,
                max_bytes=app.config["MAX_PHOTO_BYTES"],
                batch=PHOTO_BATCH,
                should_stop=should_stop,
            )
            photos.done += counts.done
            photos.failed += counts.failed
            photos.retried += counts.retried
            if counts.handled:
                click.echo(
                    f"photo-worker: {counts.done} photos ready, {counts.retried} to retry later, "
                    f"{counts.failed} failed"
                )
            return counts.handled >= PHOTO_BATCH

        settings = MailSettings.from_config(app.config)
        click.echo(f"mail-worker: delivering via {settings.describe()}")
        keep_days = app.config.get("MAIL_KEEP_SENT_DAYS")
        totals = run(
            db.session,
            lambda: make_sender(app.config),
            click.echo,
            once=once,
            interval=interval,
            batch=batch,
            keep_sent=timedelta(days=keep_days) if keep_days else None,
            should_stop=lambda: stop["requested"],
            tasks=[photo_task],
        )
        click.echo(
            f"mail-worker: done: {totals.sent} sent, {totals.retried} to retry later, "
            f"{totals.failed} failed"
            + (f", {totals.purged} old sent messages deleted" if totals.purged else "")
        )
        if photos.handled:
            click.echo(
                f"photo-worker: done: {photos.done} photos ready, {photos.retried} to retry "
                f"later, {photos.failed} failed"
            )

    # One process serves both queues; "mail-worker" is the name older deployments start.
    app.cli.add_command(app.cli.command("worker")(worker_command), "mail-worker")

    @app.cli.command("seed-administrations")
    def seed_administrations_command() -> None:
        """Add the Danish default administrations and routing rules that are missing.

        For a real install: no demo account is created, and nothing an admin changed is touched.
        """
        from fieldapp.orgs.defaults import seed_defaults

        created = seed_defaults(db.session, with_demo_staff=False)
        db.session.commit()
        click.echo(f"Default administrations and routing rules: {created} created.")

    @app.cli.command("assign-areas")
    @click.option(
        "--all",
        "everything",
        is_flag=True,
        help="Recompute rows that have an area too (a walk's chosen area is replaced by the "
        "one around its meeting point, when there is one).",
    )
    def assign_areas_command(everything: bool) -> None:
        """Put walks, observations and issues without an area into the area they lie in."""
        from fieldapp.areas.assign import reassign_all

        def progress(kind: str, checked: int, changed: int) -> None:
            click.echo(f"  {kind}: {checked} checked, {changed} changed")

        counts = reassign_all(db.session, everything=everything, progress=progress)
        db.session.commit()
        click.echo(
            f"assign-areas: {counts['walks']} walks, {counts['observations']} observations and "
            f"{counts['issues']} issues changed area."
        )

    @app.cli.command("send-report-updates")
    def send_report_updates_command() -> None:
        """Mail walk report updates held back by the once-a-week limit (run daily from cron)."""
        from fieldapp.walkreports.mail import mail_report
        from fieldapp.walkreports.services import send_owed_updates

        count = send_owed_updates(db.session, mail_report)
        db.session.commit()
        click.echo(f"send-report-updates: {count} report updates queued for sending.")
