"""Command-line tasks: `flask --app fieldapp <command>`."""

from __future__ import annotations

import click
from flask import Flask

from fieldapp.auth.models import ROLES
from fieldapp.auth.services import AccountError, create_user
from fieldapp.extensions import db


def register(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--name", default="", help="Full name shown to colleagues.")
    @click.option("--role", type=click.Choice(ROLES), default="coordinator", show_default=True)
    @click.password_option(help="At least 10 characters; asked for when not given.")
    def create_user_command(email: str, name: str, role: str, password: str) -> None:
        """Create a staff account (admin, coordinator or staff)."""
        try:
            user = create_user(db.session, email, name, password, role)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"Created {user.role} {user.email}")

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the Danish demo: two walks in Aalborg with observations. Safe to run twice."""
        from fieldapp.demo import DEMO_ACCOUNTS, seed_demo

        created = seed_demo(db.session)
        db.session.commit()
        if not created:
            click.echo("Demo data is already there; nothing changed.")
            return
        click.echo(f"Demo data loaded: {created['walks']} walks, {created['observations']} observations.")
        for email, password, role in DEMO_ACCOUNTS:
            click.echo(f"  {role:<12} {email}  password: {password}")
