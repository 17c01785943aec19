"""Fixtures for photos in an S3-compatible bucket: moto's S3 server on loopback (no network),
a fresh bucket per test, and the app configured with UPLOAD_BUCKET. Imported by conftest.py,
so every test folder can use them."""

from __future__ import annotations

import os
import socket

import pytest


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """An S3-compatible server (moto) on loopback for this test process, with fake credentials
    in boto3's standard variables (so a developer's real AWS settings are never read)."""
    from moto.server import ThreadedMotoServer

    empty = tmp_path_factory.mktemp("aws") / "none"
    empty.write_text("")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "eu-north-1",
            "AWS_CONFIG_FILE": str(empty),
            "AWS_SHARED_CREDENTIALS_FILE": str(empty),
        }.items():
            mp.setenv(name, value)
        mp.delenv("AWS_PROFILE", raising=False)
        mp.delenv("AWS_SESSION_TOKEN", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    """A fresh private bucket on the loopback S3 server: (endpoint, bucket name, client)."""
    from fieldapp.media.s3_storage import make_client

    client = make_client(s3_endpoint, "eu-north-1")
    name = f"fieldapp-test-{os.urandom(6).hex()}"
    client.create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
    return s3_endpoint, name, client


@pytest.fixture
def bucket_app(app, bucket, monkeypatch):
    """The app storing photos in `bucket` (UPLOAD_BUCKET & co), under a prefix like production
    may use; yields (app, S3Storage)."""
    from fieldapp.media.views import get_storage

    endpoint, name, _client = bucket
    monkeypatch.setitem(app.config, "UPLOAD_BUCKET", name)
    monkeypatch.setitem(app.config, "UPLOAD_BUCKET_PREFIX", "fieldapp/photos")
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", endpoint)
    monkeypatch.setitem(app.config, "S3_REGION", "eu-north-1")
    app.extensions.pop("fieldapp_storage", None)
    yield app, get_storage()
    app.extensions.pop("fieldapp_storage", None)


def unreachable_storage(bucket: str = "fieldapp-down"):
    """An S3Storage whose endpoint nobody answers (a closed port on loopback): every request
    fails at once, as in a network or bucket outage. Fake credentials, so none are looked up."""
    import boto3
    from botocore.config import Config

    from fieldapp.media.s3_storage import S3Storage

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more
    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="eu-north-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    return S3Storage(bucket, "fieldapp/photos", client)


@pytest.fixture
def bucket_down(app):
    """The app storing photos in a bucket it cannot reach; yields that S3Storage."""
    app.extensions["fieldapp_storage"] = unreachable_storage()
    yield app.extensions["fieldapp_storage"]
    app.extensions.pop("fieldapp_storage", None)
