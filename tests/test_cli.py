"""The command-line tasks: creating staff accounts and loading the demo."""

from __future__ import annotations

from sqlalchemy import func, select

from fieldapp.auth.models import User
from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.walks.models import Participant, Walk

LONG_ENOUGH = "et-langt-password"


def create_user(runner, email: str = "ny@aalborg.dk", *extra: str, secret: str = LONG_ENOUGH):
    return runner.invoke(args=["create-user", email, "--password", secret, *extra])


def test_create_user_stores_an_account_that_can_log_in(runner, client) -> None:
    result = create_user(runner, "Ny@Aalborg.dk", "--name", "Ny Kollega", "--role", "staff")
    assert result.exit_code == 0, result.output
    assert "Created staff ny@aalborg.dk" in result.output
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.email == "ny@aalborg.dk"))
    assert (user.name, user.role, user.active) == ("Ny Kollega", "staff", True)
    assert LONG_ENOUGH not in user.password_hash
    resp = client.post("/login", data={"email": "ny@aalborg.dk", "password": LONG_ENOUGH})
    assert resp.status_code == 302


def test_role_defaults_to_coordinator(runner) -> None:
    assert create_user(runner).exit_code == 0
    db.session.rollback()
    assert db.session.scalar(select(User.role)) == "coordinator"


def test_duplicate_email_fails_with_a_message(runner) -> None:
    assert create_user(runner, "dup@aalborg.dk").exit_code == 0
    result = create_user(runner, "DUP@aalborg.dk", secret="et-andet-password")
    assert result.exit_code != 0
    assert "already exists" in result.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_short_password_is_refused(runner) -> None:
    result = create_user(runner, "kort@aalborg.dk", secret="kort-pw")
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_unknown_role_is_refused(runner) -> None:
    result = create_user(runner, "boss@aalborg.dk", "--role", "superuser")
    assert result.exit_code != 0
    assert "superuser" in result.output
    assert "coordinator" in result.output  # the valid choices are listed
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def _counts() -> tuple[int, int, int, int]:
    db.session.rollback()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Walk, Participant, Observation)
    )


def test_seed_demo_loads_walks_and_observations_in_aalborg(runner) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    _users, walks, _people, observations = _counts()
    # The three walks of the story, the earlier walks behind the yearly criteria, ~30 findings.
    assert walks >= 3 and observations >= 30
    assert f"{walks} walks, {observations} observations" in result.output
    titles = set(db.session.scalars(select(Walk.title)))
    assert {"Tryghedsvandring i Løvvangen", "Tryghedsvandring i Midtbyens pladser"} <= titles
    for lat, lon in db.session.execute(select(Observation.lat, Observation.lon)):
        assert 57.0 <= lat <= 57.1 and 9.85 <= lon <= 10.0, (lat, lon)
    statuses = set(db.session.scalars(select(Walk.status)))
    assert statuses == {"planned", "running", "closed"}


def test_seed_demo_twice_changes_nothing(runner) -> None:
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    before = _counts()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "nothing changed" in result.output
    assert _counts() == before


def test_demo_coordinator_can_log_in(runner, client) -> None:
    from fieldapp.demo import DEMO_ACCOUNTS

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    email, password, _role = DEMO_ACCOUNTS[0]
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    assert b"Tryghedsvandring i L\xc3\xb8vvangen" in client.get("/walks/").data
