"""Static checks of the Dockerfile (it cannot be built here) and the /healthz it relies on."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

DOCKERFILE = Path(__file__).resolve().parents[1] / "Dockerfile"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; continuation lines joined, comments dropped."""
    logical: list[str] = []
    current = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        logical.append(current.strip())
        current = ""
    if current.strip():
        logical.append(current.strip())
    result = []
    for entry in logical:
        keyword, _, args = entry.partition(" ")
        result.append((keyword.upper(), args.strip()))
    return result


@pytest.fixture(scope="module")
def instructions() -> list[tuple[str, str]]:
    return _instructions()


def _index(instructions, keyword: str) -> list[int]:
    return [i for i, (k, _) in enumerate(instructions) if k == keyword]


def test_base_image_is_pinned_to_a_version_tag(instructions):
    froms = [args for k, args in instructions if k == "FROM"]
    assert froms, "no FROM"
    for args in froms:
        image = [w for w in args.split() if not w.startswith("--")][0]
        name, _, tag = image.partition("@")[0].rpartition(":")
        assert name and tag, f"base image {image!r} has no tag"
        assert tag != "latest", f"base image {image!r} uses :latest"
        assert re.match(r"^\d+\.\d+(\.\d+)?", tag), f"tag {tag!r} is not a version"
        assert "slim" in tag, "the issue asks for a slim Python base"


def test_runs_as_non_root_user_set_before_cmd(instructions):
    users = _index(instructions, "USER")
    cmds = _index(instructions, "CMD") + _index(instructions, "ENTRYPOINT")
    assert users, "no USER instruction: the container would run as root"
    assert cmds, "no CMD/ENTRYPOINT"
    last_user = max(u for u in users if u < min(cmds))
    user = instructions[last_user][1].split(":")[0]
    assert user not in ("root", "0"), f"USER {user} is root"
    # The user must be created in the image (or be a bare numeric uid).
    runs = " ".join(args for k, args in instructions if k == "RUN")
    assert user.isdigit() or re.search(rf"useradd\b[^&;]*\b{re.escape(user)}\b", runs)


def test_healthcheck_hits_healthz(instructions):
    checks = [args for k, args in instructions if k == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "NONE" not in checks[0].split()
    assert "/healthz" in checks[0]
    assert "CMD" in checks[0]


def test_no_secret_values_in_env_or_arg(instructions):
    secret = re.compile(r"(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY)[A-Z_]*", re.IGNORECASE)
    for keyword, args in instructions:
        if keyword not in ("ENV", "ARG"):
            continue
        for word in shlex.split(args):
            key, eq, value = word.partition("=")
            if secret.search(key):
                assert not (eq and value), f"{keyword} {key} carries a value in the image"
    text = DOCKERFILE.read_text(encoding="utf-8")
    for keyword, args in instructions:
        if keyword in ("RUN", "CMD", "ENTRYPOINT"):
            assert not re.search(r"(SECRET_KEY|PASSWORD)=\S", args), f"secret in {keyword}"
    assert "tryg-demo-2026" not in text  # demo passwords belong to seed-demo, not the image


def test_installs_package_from_pyproject_and_compiles_translations(instructions):
    copies = " ".join(args for k, args in instructions if k in ("COPY", "ADD"))
    assert "pyproject.toml" in copies
    runs = [args for k, args in instructions if k == "RUN"]
    installs = r"\bpip install (--[\w-]+ )*['\"]?\.(\[(?P<extras>[\w,]+)\])?['\"]?(\s|$)"
    found = [m for m in (re.search(installs, r) for r in runs) if m]
    assert found, runs
    # With the s3 extra, so the same image can keep photos in a bucket (UPLOAD_BUCKET).
    assert any("s3" in (m["extras"] or "").split(",") for m in found), runs
    assert any("pybabel compile" in r and "fieldapp/translations" in r for r in runs)
    # Translations must be compiled after the package sources are in the image.
    translations_copied = any("fieldapp" in a for k, a in instructions if k == "COPY")
    assert translations_copied


def test_gunicorn_command_serves_the_app_factory(instructions):
    cmd = [args for k, args in instructions if k == "CMD"][-1]
    assert "gunicorn" in cmd and "fieldapp:create_app()" in cmd
    assert "--workers" in cmd


def test_healthz_returns_ok(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}
