"""Killing the server during a photo upload leaves the database and the photo files consistent.

The app runs in gunicorn in a subprocess against the test database. A large multipart request is
streamed slowly over a raw socket, and the server is SIGKILLed: while the body is still arriving,
after the photo files are written but before the commit, and after the commit but before the
files got their final names (the last two through the FIELDAPP_FAULT_PAUSE injection point).
Afterwards: no Photo row without its files, the observation either fully there or absent, and
after `clean-orphans` no file that no row refers to.

Both photo modes: "inline" stages the three renditions in the request; "queue" (production)
stages only the raw upload, which the photo worker (`process-photos`) later turns into the
renditions before deleting it.
"""

from __future__ import annotations

import http.cookiejar
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db
from fieldapp.media.storage import original_name, photo_names

# Files the request stages: the renditions inline, the raw upload when queued.
STAGED = {"inline": 3, "queue": 1}

ROOT = Path(__file__).resolve().parents[2]


def big_jpeg() -> bytes:
    """A ~2 MB photo-sized JPEG (noise compresses badly, so the body is really large)."""
    rnd = random.Random(6)
    im = Image.frombytes("RGB", (1600, 1200), rnd.randbytes(1600 * 1200 * 3))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=75)
    return buf.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving fieldapp in its own process group, so SIGKILL takes master and worker."""

    def __init__(
        self, db_url: str, upload_dir: Path, log: Path, fault: str = "", mode: str = "inline"
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": db_url,
            "UPLOAD_DIR": str(upload_dir),
            "SECRET_KEY": "crash-test-secret",
            "FIELDAPP_FAULT_PAUSE": fault,
            "PHOTO_PROCESSING": mode,
        }
        self.log = log.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603  (fixed argv: this interpreter, gunicorn)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "1",
                "--timeout",
                "300",
                "--bind",
                f"127.0.0.1:{self.port}",
                "fieldapp:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as resp:  # noqa: S310
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.close()
                raise AssertionError(f"server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.log.close()


class Phone:
    """Joins the walk over HTTP like a participant's phone and keeps its cookies."""

    def __init__(self, server: Server, walk, kit) -> None:
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        join_url = f"{server.base}/j/{walk.join_token}"
        page = self.opener.open(join_url, timeout=30).read().decode()
        form = urllib.parse.urlencode(
            {"csrf_token": kit.csrf_token_from(page), "role": "resident"}
        ).encode()
        self.opener.open(join_url, data=form, timeout=30).read()
        raw = self.opener.open(f"{server.base}/w/{walk.join_token}/api/csrf", timeout=30).read()
        self.csrf = json.loads(raw)["csrf_token"]
        # The offline outbox's JSON API, or the plain capture form (same service, same commit).
        self.paths = {
            "api": f"/w/{walk.join_token}/api/observations",
            "form": f"/w/{walk.join_token}/new",
        }

    def request_bytes(self, client_key: str, photo: bytes, endpoint: str = "api") -> bytes:
        boundary = uuid.uuid4().hex
        parts = []
        fields = {"category": "lighting", "text": "Lampen er gået", "client_key": client_key}
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            f'filename="lampe.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + photo
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        head = (
            f"POST {self.paths[endpoint]} HTTP/1.1\r\nHost: 127.0.0.1:{self.server.port}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(body)}\r\nAccept: application/json\r\n"
            f"X-CSRFToken: {self.csrf}\r\nCookie: {cookies}\r\nConnection: close\r\n\r\n"
        )
        return head.encode() + body

    def send(self, data: bytes, chunk: int = 64 * 1024, pause: float = 0.0) -> socket.socket:
        """Send `data` (slowly with `pause`); the socket stays open for the answer."""
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=60)
        for start in range(0, len(data), chunk):
            sock.sendall(data[start : start + chunk])
            if pause:
                time.sleep(pause)
        return sock


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def temp_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob(".tmp-*") if p.is_file())


def final_files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.suffix in (".jpg", ".raw")
    }


def observation_with(client_key: str) -> Observation | None:
    db.session.rollback()  # a fresh snapshot: the server wrote in another process
    return db.session.scalar(select(Observation).where(Observation.client_key == client_key))


def assert_consistent(root: Path, client_key: str, *, after_clean: bool) -> Observation | None:
    """No Photo row without its files; the observation whole or absent; no stray files."""
    db.session.rollback()
    referenced: set[str] = set()
    for photo in db.session.scalars(select(Photo)):
        if photo.status == "processing":
            assert photo.job is not None, "a photo in the queue without its job"
            names = (photo.job.raw_name,)  # no renditions yet: only the raw upload
        else:
            names = photo_names(photo.digest)
        if photo.has_original:
            names = (*names, original_name(photo.original_digest))
        referenced.update(names)
        if after_clean:
            assert all((root / name).is_file() for name in names), names
    observation = observation_with(client_key)
    if observation is not None:
        assert len(observation.photos) == 1, "the observation is there without its photo"
    if after_clean:
        assert final_files(root) == referenced
        assert temp_files(root) == []
    else:
        # Before clean-up a file can only be missing as an unfinished temp file, never lost.
        staged = [p.name for p in temp_files(root)]
        for name in referenced - final_files(root):
            prefix = f".tmp-{Path(name).name}."
            assert any(s.startswith(prefix) for s in staged), name
    return observation


def clean_orphans(runner, app, root: Path, monkeypatch, *args: str) -> str:
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(root))
    monkeypatch.delitem(app.extensions, "fieldapp_storage", raising=False)
    result = runner.invoke(args=["clean-orphans", *args])
    assert result.exit_code == 0, result.output
    app.extensions.pop("fieldapp_storage", None)
    return result.output


def age(paths: list[Path], seconds: int = 2 * 3600) -> None:
    old = time.time() - seconds
    for path in paths:
        os.utime(path, (old, old))


@pytest.fixture
def crash_setup(app, db_url, make_walk, tmp_path, kit):
    walk = make_walk()
    root = tmp_path / "uploads"
    root.mkdir()
    servers: list[Server] = []

    def start(fault: str = "", mode: str = "inline") -> tuple[Server, Phone]:
        server = Server(db_url, root, tmp_path / "gunicorn.log", fault, mode)
        servers.append(server)
        return server, Phone(server, walk, kit)

    yield root, start
    for server in servers:
        server.kill()
    db.session.rollback()


def test_server_killed_while_the_body_streams_keeps_nothing(
    crash_setup, runner, app, monkeypatch
) -> None:
    root, start = crash_setup
    server, phone = start()
    data = phone.request_bytes("crash-midbody-01", big_jpeg())
    sock = phone.send(data[: len(data) // 2], chunk=32 * 1024, pause=0.02)
    server.kill()
    sock.close()
    assert observation_with("crash-midbody-01") is None
    assert temp_files(root) == [] and final_files(root) == set()
    clean_orphans(runner, app, root, monkeypatch)
    assert_consistent(root, "crash-midbody-01", after_clean=True)


def process_photos(runner, app, root: Path, monkeypatch) -> str:
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(root))
    monkeypatch.delitem(app.extensions, "fieldapp_storage", raising=False)
    result = runner.invoke(args=["process-photos"])
    assert result.exit_code == 0, result.output
    app.extensions.pop("fieldapp_storage", None)
    return result.output


MODES = [("api", "inline"), ("form", "inline"), ("api", "queue"), ("form", "queue")]


@pytest.mark.parametrize(("endpoint", "mode"), MODES)
def test_server_killed_after_files_written_before_commit_leaves_no_observation(
    crash_setup, runner, app, monkeypatch, endpoint, mode
) -> None:
    root, start = crash_setup
    staged = STAGED[mode]
    server, phone = start(fault="before_commit:120", mode=mode)
    request = phone.request_bytes("crash-precommit1", big_jpeg(), endpoint)
    sock = phone.send(request, pause=0.005)
    wait_for(lambda: len(temp_files(root)) == staged, f"the {staged} staged temp files")
    server.kill()
    sock.close()
    assert observation_with("crash-precommit1") is None
    assert final_files(root) == set(), "a file got its final name without a commit"
    assert_consistent(root, "crash-precommit1", after_clean=False)
    # Younger than an hour: maybe a request still running, so kept.
    assert "0 abandoned temp files" in clean_orphans(runner, app, root, monkeypatch)
    assert len(temp_files(root)) == staged
    age(temp_files(root))
    output = clean_orphans(runner, app, root, monkeypatch)
    assert f"{staged} abandoned temp files removed" in output
    assert_consistent(root, "crash-precommit1", after_clean=True)


@pytest.mark.parametrize(("endpoint", "mode"), MODES)
def test_server_killed_after_commit_before_rename_is_completed_by_clean_orphans(
    crash_setup, runner, app, monkeypatch, auth, endpoint, mode
) -> None:
    root, start = crash_setup
    server, phone = start(fault="after_commit:120", mode=mode)
    request = phone.request_bytes("crash-postcommit", big_jpeg(), endpoint)
    sock = phone.send(request, pause=0.005)
    wait_for(lambda: observation_with("crash-postcommit") is not None, "the commit")
    server.kill()
    sock.close()
    observation = assert_consistent(root, "crash-postcommit", after_clean=False)
    assert observation is not None and final_files(root) == set()
    output = clean_orphans(runner, app, root, monkeypatch)
    assert f"{STAGED[mode]} committed uploads completed" in output
    observation = assert_consistent(root, "crash-postcommit", after_clean=True)
    if mode == "queue":
        # The completed raw upload is what the worker needs; afterwards only renditions remain.
        assert observation.photos[0].status == "processing"
        assert "1 photos ready" in process_photos(runner, app, root, monkeypatch)
        observation = assert_consistent(root, "crash-postcommit", after_clean=True)
        assert observation.photos[0].status == "ready"
        assert not list(root.rglob("*.raw"))
    # The photo is really served again.
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(root))
    auth.login("coordinator")
    photo_id = observation.photos[0].id
    resp = auth._client.get(f"/photos/{photo_id}/web.jpg")
    body, status = resp.data, resp.status_code
    resp.close()
    assert status == 200 and body[:2] == b"\xff\xd8"
    app.extensions.pop("fieldapp_storage", None)


@pytest.mark.parametrize("mode", ["inline", "queue"])
def test_completed_upload_then_deleted_photo_leaves_only_what_rows_need(
    crash_setup, runner, app, monkeypatch, mode
) -> None:
    root, start = crash_setup
    server, phone = start(mode=mode)
    sock = phone.send(phone.request_bytes("crash-complete1", big_jpeg()))
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    sock.close()
    assert b" 201 " in answer.split(b"\r\n")[0], answer[:300]
    assert temp_files(root) == [] and len(final_files(root)) == STAGED[mode]
    assert_consistent(root, "crash-complete1", after_clean=True)
    server.kill()
    if mode == "queue":
        assert "1 photos ready" in process_photos(runner, app, root, monkeypatch)
        assert temp_files(root) == [] and len(final_files(root)) == 3  # the raw file is gone
        assert_consistent(root, "crash-complete1", after_clean=True)
    # The reporter deletes the observation: its files are now orphans, removed by the command.
    db.session.delete(observation_with("crash-complete1"))
    db.session.commit()
    dry = clean_orphans(runner, app, root, monkeypatch, "--dry-run")
    assert "3 unreferenced files would be removed" in dry, dry
    assert len(final_files(root)) == 3
    assert "3 unreferenced files removed" in clean_orphans(runner, app, root, monkeypatch)
    assert final_files(root) == set()
