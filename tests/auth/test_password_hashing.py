"""Passwords are hashed with scrypt unless the app's config says otherwise (only tests do)."""

from __future__ import annotations

from fieldapp import create_app
from fieldapp.auth.services import authenticate, create_user
from fieldapp.extensions import db


def test_an_app_built_from_the_environment_hashes_with_scrypt(app, tmp_path) -> None:
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.db"})
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    with app.app_context():
        db.create_all()
        user = create_user(db.session, "ny@aalborg.dk", "Ny", "lygtepæl-ved-åen", "coordinator")
        db.session.commit()
        assert user.password_hash.startswith("scrypt:")
        assert authenticate(db.session, "ny@aalborg.dk", "lygtepæl-ved-åen") == user
        assert authenticate(db.session, "ny@aalborg.dk", "lygtepæl-ved-åen!") is None
        db.session.remove()


def test_the_tests_cheap_method_still_logs_in_and_refuses_a_wrong_password(app, kit) -> None:
    user = kit.make_user("coordinator")
    method = app.config["PASSWORD_HASH_METHOD"]
    assert method != "scrypt"
    assert user.password_hash.startswith(method.split(":")[0] + ":")
    assert authenticate(db.session, user.email, kit.PASSWORDS["coordinator"]) == user
    assert authenticate(db.session, user.email, "koordinator-pw-2") is None
    assert authenticate(db.session, "nobody@example.dk", kit.PASSWORDS["coordinator"]) is None
