"""Photos in an S3-compatible bucket (AWS S3, MinIO, a cloud's object storage), so several app
instances and the worker on different machines share one store without a shared directory.

The same names and the same promises as `LocalStorage`: keys are the content-addressed names
(under an optional prefix), `save` keeps an existing object, and staging follows the database
transaction. A bucket has no rename, so `stage` puts the bytes under a temp key that encodes
the final name (`ab/.tmp-<final>.<random>.part`, like a staged file on disk) and `promote`
copies it to the final key and deletes the temp key. A crash between the two leaves a temp
object that `flask clean-orphans` completes or removes, exactly as on disk.

The bucket stays private: photos are served by the app's view, which checks who may see them.
Credentials come from boto3's own chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile,
an instance role), never from the app's config. botocore errors are raised as OSError
(FileNotFoundError for a missing object), which is what callers already handle for a disk.
No Flask here.
"""

from __future__ import annotations

import contextlib
import io
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from fieldapp.media.storage import _TEMP_PREFIX, StoredFile, check_name, staged_final

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3StorageError(OSError):
    """The bucket could not be reached or refused a request (credentials, network, quota)."""


def require_boto3() -> None:
    """:raise RuntimeError: boto3 is not installed (checked at start-up when a bucket is set)."""
    try:
        import boto3  # noqa: F401
    except ImportError as exc:
        raise RuntimeError(
            "UPLOAD_BUCKET is set but boto3 is not installed: pip install 'fieldapp[s3]'"
        ) from exc


def make_client(endpoint_url: str | None = None, region: str | None = None) -> Any:
    """An S3 client; with a custom endpoint (MinIO & co) path-style addressing, which they need
    (virtual-hosted style would look up `<bucket>.<endpoint host>` in DNS)."""
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"max_attempts": 5, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        s3={"addressing_style": "path"} if endpoint_url else {},
    )
    return boto3.client(
        "s3", endpoint_url=endpoint_url or None, region_name=region or None, config=config
    )


@contextlib.contextmanager
def _errors(key: str) -> Iterator[None]:
    """Translate botocore failures into the OSErrors a disk would raise."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        if code in _MISSING:
            raise FileNotFoundError(f"not in the bucket: {key}") from exc
        raise S3StorageError(f"bucket request for {key} failed: {code or status}") from exc
    except BotoCoreError as exc:
        raise S3StorageError(f"bucket request for {key} failed: {exc}") from exc


class S3Storage:
    """Objects in `bucket` under `prefix` (e.g. "fieldapp/photos"; empty = the bucket's root)."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None) -> None:
        if not bucket:
            raise ValueError("no bucket name")
        self.bucket = bucket
        prefix = prefix.strip("/")
        if prefix:
            check_name(prefix)
        self.prefix = f"{prefix}/" if prefix else ""
        self.client = client if client is not None else make_client()

    def key(self, name: str) -> str:
        """The object key for `name`; :raise ValueError: for an unsafe name (as on disk)."""
        check_name(name)
        return self.prefix + name

    def _head(self, key: str) -> dict:
        with _errors(key):
            return self.client.head_object(Bucket=self.bucket, Key=key)

    def exists(self, name: str) -> bool:
        try:
            self._head(self.key(name))
        except FileNotFoundError:
            return False
        return True

    def save(self, name: str, data: bytes) -> None:
        """Put `data` under `name` unless an object is there already (content-addressed).

        A PUT is atomic: readers see the whole object or none, so no temp key is needed.
        """
        if self.exists(name):
            return
        key = self.key(name)
        with _errors(key):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def read(self, name: str) -> bytes:
        """The stored bytes; :raise FileNotFoundError: when `name` is not stored."""
        return self.open(name).body.read()

    def open(
        self,
        name: str,
        if_none_match: str | None = None,
        if_modified_since: datetime | None = None,
    ) -> StoredFile:
        """The object with its size, time and ETag, read in one request (photos are small).

        Conditional: the bucket itself compares the caller's ETag (or else date) and answers
        304 without the body when that copy is current. One GET serves both outcomes; a HEAD
        first would cost a second request whenever the photo is sent.
        """
        from botocore.exceptions import ClientError

        key = self.key(name)
        conditions: dict[str, Any] = {}
        if if_none_match is not None:
            conditions["IfNoneMatch"] = f'"{if_none_match}"'
        elif if_modified_since is not None:
            conditions["IfModifiedSince"] = if_modified_since
        with _errors(key):
            try:
                obj = self.client.get_object(Bucket=self.bucket, Key=key, **conditions)
            except ClientError as exc:
                if conditions and _status(exc) == 304:
                    return _not_modified(exc, if_none_match)
                raise
            data = obj["Body"].read()
        etag = _etag(obj.get("ETag"))
        return StoredFile(io.BytesIO(data), len(data), _aware(obj["LastModified"]), etag)

    def modified_at(self, name: str) -> datetime:
        """When `name` was written (aware UTC); :raise FileNotFoundError: when not stored."""
        return _aware(self._head(self.key(name))["LastModified"])

    def delete(self, name: str) -> None:
        """Remove `name`; a missing object is fine (S3 says so too)."""
        key = self.key(name)
        with _errors(key):
            self.client.delete_object(Bucket=self.bucket, Key=key)

    def stage(self, name: str, data: bytes) -> str:
        """Put `data` under a temp key beside `name`'s final key; returns that key.

        Always written, even when the final object exists: an orphan clean-up may remove it
        before this upload commits, and the promote then puts it back.
        """
        final = self.key(name)
        directory, _sep, base = final.rpartition("/")
        temp = f"{directory}/" if directory else ""
        temp += f"{_TEMP_PREFIX}{base}.{secrets.token_hex(8)}.part"
        with _errors(temp):
            self.client.put_object(Bucket=self.bucket, Key=temp, Body=data)
        return temp

    def _final_key(self, staged: str) -> str:
        directory, _sep, base = staged.rpartition("/")
        final = staged_final(base)
        if final is None or not staged.startswith(self.prefix):
            raise ValueError(f"not a staged object: {staged}")
        return f"{directory}/{final}" if directory else final

    def promote(self, staged: str) -> None:
        """Copy a staged object to its final key, then delete it (after the DB commit).

        Idempotent: when the temp object is gone, an orphan clean-up promoted it first, and
        that is fine as long as the final object is there.
        """
        final = self._final_key(staged)
        try:
            with _errors(staged):
                self.client.copy_object(
                    Bucket=self.bucket, Key=final, CopySource={"Bucket": self.bucket, "Key": staged}
                )
        except FileNotFoundError:
            with contextlib.suppress(FileNotFoundError):
                self._head(final)
                return
            raise
        self.discard(staged)

    def discard(self, staged: str) -> None:
        """Remove a staged object whose transaction did not commit."""
        with _errors(staged):
            self.client.delete_object(Bucket=self.bucket, Key=staged)

    def staged_modified_at(self, staged: str) -> datetime:
        """When a staged object was written; :raise FileNotFoundError: when it is gone."""
        return _aware(self._head(staged)["LastModified"])

    def _keys(self) -> Iterator[str]:
        """Every key under the prefix, in key order, a page (1000 keys) at a time."""
        paginator = self.client.get_paginator("list_objects_v2")
        with _errors(self.prefix or "/"):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for obj in page.get("Contents", ()):
                    yield obj["Key"]

    def temp_files(self) -> Iterator[tuple[str, str | None]]:
        """Every temp object as (key, final name it was staged for, or None)."""
        for key in self._keys():
            directory, _sep, base = key.rpartition("/")
            if not base.startswith(_TEMP_PREFIX):
                continue
            final = staged_final(base)
            if final is not None:
                rel = directory[len(self.prefix) :] if directory else ""
                final = f"{rel}/{final}" if rel else final
            yield key, final

    def names(self) -> Iterator[str]:
        """Every stored name, in key order, skipping temp and hidden objects."""
        for key in self._keys():
            name = key[len(self.prefix) :]
            if name and not any(part.startswith(".") or not part for part in name.split("/")):
                yield name


def _status(exc: Any) -> int | None:
    return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _etag(value: Any) -> str | None:
    return str(value or "").strip('"') or None


def _not_modified(exc: Any, if_none_match: str | None) -> StoredFile:
    """What a 304 from the bucket says of the object (S3 sends its ETag and time with it)."""
    headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    try:
        modified_at = _aware(parsedate_to_datetime(headers["last-modified"]))
    except (KeyError, TypeError, ValueError):
        modified_at = None
    return StoredFile(None, None, modified_at, _etag(headers.get("etag")) or if_none_match)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
