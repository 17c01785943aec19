"""fieldapp: safety walks (tryghedsvandringer) and citizen input."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from fieldapp import config as config_module

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides settings read from the environment (tests use it)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(config_module.from_environment(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)
    check_storage_settings(app)
    register_proxy_fix(app)
    register_input_cleaning(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_security_headers(app)
    return app


def check_storage_settings(app: Flask) -> None:
    """With UPLOAD_BUCKET set, boto3 must be there: better a failed start than a failed upload."""
    if app.config.get("UPLOAD_BUCKET"):
        from fieldapp.media.s3_storage import require_boto3

        require_boto3()


def register_proxy_fix(app: Flask) -> None:
    """Behind PROXY_HOPS reverse proxies, trust that many X-Forwarded-For/-Proto/-Host values.

    Without it every request behind nginx comes from 127.0.0.1: one rate limit for the whole
    town, and http:// links on an https site. With it set but no proxy in front, clients could
    pick their own address, so it is 0 (off) unless the deployment says otherwise.
    """
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    from fieldapp import models  # noqa: F401  (the whole schema, for Alembic)
    from fieldapp.auth.session import load_user
    from fieldapp.db import tune_sqlite
    from fieldapp.extensions import babel, csrf, db, limiter, login_manager, migrate
    from fieldapp.i18n import select_locale, select_timezone

    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    # Its flush listeners keep the dashboards' observation summary in step with every change.
    import fieldapp.stats.issue_times  # noqa: F401  (issues' resolution times)
    import fieldapp.stats.observation_changes  # noqa: F401  (their bulk statements)
    import fieldapp.stats.place_summary  # noqa: F401  (per-walk and hot-spot summaries)
    import fieldapp.stats.summary  # noqa: F401
    import fieldapp.triage.issue_spans  # noqa: F401  (and the issue list's stored filters)
    import fieldapp.triage.map_summary  # noqa: F401  (and the map's cell counts)


def register_blueprints(app: Flask) -> None:
    from fieldapp.attention.views import bp as attention_bp
    from fieldapp.audit.views import bp as audit_bp
    from fieldapp.auth.views import bp as auth_bp
    from fieldapp.capture.api_views import bp as capture_api_bp
    from fieldapp.capture.pwa_views import bp as pwa_bp
    from fieldapp.capture.views import bp as capture_bp
    from fieldapp.exports.views import bp as exports_bp
    from fieldapp.followup.views import bp as followup_bp
    from fieldapp.groups.views import bp as groups_bp
    from fieldapp.main.views import bp as main_bp
    from fieldapp.media.views import bp as media_bp
    from fieldapp.meetings.phone_views import bp as meeting_join_bp
    from fieldapp.meetings.views import bp as meetings_bp
    from fieldapp.notify.views import bp as notify_bp
    from fieldapp.open311.views import bp as open311_bp
    from fieldapp.orgs.views import bp as orgs_bp
    from fieldapp.plans.views import bp as plans_bp
    from fieldapp.privacy.views import bp as privacy_bp
    from fieldapp.stats.views import bp as stats_bp
    from fieldapp.triage.views import bp as triage_bp
    from fieldapp.walkreports.public_views import bp as walkreport_public_bp
    from fieldapp.walkreports.views import bp as walkreports_bp
    from fieldapp.walkrequests.views import bp as walkrequests_bp
    from fieldapp.walks.join_views import bp as join_bp
    from fieldapp.walks.views import bp as walks_bp

    for bp in (
        main_bp,
        auth_bp,
        walks_bp,
        join_bp,
        capture_bp,
        media_bp,
        triage_bp,
        orgs_bp,
        followup_bp,
        open311_bp,
        notify_bp,
        capture_api_bp,
        pwa_bp,
        groups_bp,
        meetings_bp,
        meeting_join_bp,
        plans_bp,
        stats_bp,
        exports_bp,
        walkrequests_bp,
        audit_bp,
        privacy_bp,
        walkreports_bp,
        walkreport_public_bp,
        attention_bp,
    ):
        app.register_blueprint(bp)


def register_errorhandlers(app: Flask) -> None:
    from fieldapp.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from fieldapp.cli import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from fieldapp.templating import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from fieldapp.security import register

    register(app)


def register_input_cleaning(app: Flask) -> None:
    from fieldapp.input_cleaning import register

    register(app)
