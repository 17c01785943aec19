"""Where processed photos live: a directory (`LocalStorage`, the default) or an S3-compatible
bucket (`fieldapp.media.s3_storage.S3Storage`, when UPLOAD_BUCKET is set).

Names are relative, '/'-separated and content-addressed (see `photo_names`), so saving a name
that already exists is a no-op and two uploads of the same photo share one file. No Flask here.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

_TEMP_PREFIX = ".tmp-"
_DIGEST = re.compile(r"[0-9a-f]{2,128}")
# A staged file names its final name, so a crash after the commit can still be completed.
_STAGED = re.compile(r"\.tmp-(?P<final>[0-9a-f]+(?:(?:_t|_o)?\.jpg|_r\.raw))\.[A-Za-z0-9_]+\.part")


@dataclass
class StoredFile:
    """A stored file opened for sending: the view answers conditional requests from these.

    `etag` is None when the storage has none of its own (the view then lets Werkzeug make one).
    `body` is None when a conditional `open` found the caller's copy current: nothing was read,
    the size is unknown (None) and `modified_at` is None if the storage did not say.
    """

    body: BinaryIO | None
    size: int | None
    modified_at: datetime | None
    etag: str | None


class Storage(Protocol):
    """What the app needs from photo storage: `LocalStorage` or `S3Storage`.

    A staged file is an opaque handle (a path, a key) that only its own storage understands:
    `stage` makes one, `promote`/`discard` finish it, `temp_files` lists the ones a crash left.
    Missing files raise FileNotFoundError and other storage failures OSError, as for a disk.
    `open` is conditional like an HTTP GET: given the caller's ETag (If-None-Match wins) or date,
    it reads nothing when that copy is still current.
    """

    def save(self, name: str, data: bytes) -> None: ...

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> None: ...

    def read(self, name: str) -> bytes: ...

    def open(
        self,
        name: str,
        if_none_match: str | None = None,
        if_modified_since: datetime | None = None,
    ) -> StoredFile: ...

    def modified_at(self, name: str) -> datetime: ...

    def names(self) -> Iterator[str]: ...

    def stage(self, name: str, data: bytes) -> Any: ...

    def promote(self, staged: Any) -> None: ...

    def discard(self, staged: Any) -> None: ...

    def temp_files(self) -> Iterator[tuple[Any, str | None]]: ...

    def staged_modified_at(self, staged: Any) -> datetime: ...


def check_name(name: str) -> list[str]:
    """The parts of a safe storage name; :raise ValueError: for one that could leave the root.

    '', '.', '..' and hidden names (incl. temp files) are all refused, for every storage: a
    bucket key has no '..', but the same names must mean the same files everywhere.
    """
    if not isinstance(name, str) or not name:
        raise ValueError("empty storage name")
    if "\\" in name or "\0" in name or name.startswith("/"):
        raise ValueError(f"unsafe storage name: {name!r}")
    parts = name.split("/")
    if any(not part or part.startswith(".") for part in parts):
        raise ValueError(f"unsafe storage name: {name!r}")
    return parts


def staged_final(basename: str) -> str | None:
    """The final name (without its directory) a staged file's base name was staged for."""
    match = _STAGED.fullmatch(basename)
    return match["final"] if match else None


def photo_names(digest: str) -> tuple[str, str]:
    """(web_name, thumb_name) for a photo digest, fanned out by its first two characters."""
    if not _DIGEST.fullmatch(digest):
        raise ValueError(f"not a hex digest: {digest!r}")
    return f"{digest[:2]}/{digest}.jpg", f"{digest[:2]}/{digest}_t.jpg"


def original_name(digest: str) -> str:
    """The unblurred original's name; the suffix keeps it apart from any public rendition."""
    if not _DIGEST.fullmatch(digest):
        raise ValueError(f"not a hex digest: {digest!r}")
    return f"{digest[:2]}/{digest}_o.jpg"


def raw_name(digest: str) -> str:
    """An upload waiting for the photo worker, stored as sent (any format, unblurred, with its
    metadata): the suffix keeps it apart from every rendition, and no view serves it."""
    if not _DIGEST.fullmatch(digest):
        raise ValueError(f"not a hex digest: {digest!r}")
    return f"{digest[:2]}/{digest}_r.raw"


class LocalStorage:
    """Files under a root directory outside the static root.

    Files are created with mode 0600 (they are private photos; only the app process reads them).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, name: str) -> Path:
        """The file for `name`; :raise ValueError: for a name that could leave the root."""
        return self.root.joinpath(*check_name(name))

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def save(self, name: str, data: bytes) -> None:
        """Write atomically (temp file in the same dir, fsync, rename); keep an existing file."""
        target = self.path(name)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_TEMP_PREFIX, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(target.parent)

    def read(self, name: str) -> bytes:
        """The stored bytes; :raise FileNotFoundError: when `name` is not stored."""
        return self.path(name).read_bytes()

    def modified_at(self, name: str) -> datetime:
        """When `name` was written (aware UTC); :raise FileNotFoundError: when not stored."""
        return datetime.fromtimestamp(self.path(name).stat().st_mtime, UTC)

    def open(
        self,
        name: str,
        if_none_match: str | None = None,
        if_modified_since: datetime | None = None,
    ) -> StoredFile:
        """The file opened for reading, unless unchanged since `if_modified_since` (a file has
        no ETag of its own, so `if_none_match` never matches). The photo view sends
        `path(name)` itself instead.
        """
        path = self.path(name)
        if if_none_match is None and if_modified_since is not None:
            modified_at = self.modified_at(name)
            # HTTP dates have whole seconds.
            if modified_at.replace(microsecond=0) <= if_modified_since:
                return StoredFile(None, None, modified_at, None)
        body = path.open("rb")
        stat = os.fstat(body.fileno())
        return StoredFile(body, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC), None)

    def stage(self, name: str, data: bytes) -> Path:
        """Write `data` under a temp name beside `name`'s final place; `promote` finishes it.

        Always written, even when the final file exists: an orphan clean-up may remove that file
        before this upload commits, and the promote then puts it back.
        """
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=target.parent, prefix=f"{_TEMP_PREFIX}{target.name}.", suffix=".part"
        )
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return Path(tmp)

    def promote(self, staged: Path) -> None:
        """Rename a staged file to its final name (after the database commit succeeded)."""
        match = _STAGED.fullmatch(staged.name)
        if match is None:
            raise ValueError(f"not a staged file: {staged}")
        final = staged.parent / match["final"]
        try:
            os.replace(staged, final)
        except FileNotFoundError:
            # An orphan clean-up finished this rename first (it runs concurrently with uploads).
            if not final.exists():
                raise
            return
        _fsync_dir(staged.parent)

    @staticmethod
    def discard(staged: Path) -> None:
        """Remove a staged file whose transaction did not commit."""
        staged.unlink(missing_ok=True)

    def temp_files(self) -> Iterator[tuple[Path, str | None]]:
        """Every temp file as (path, final name it was staged for, or None)."""
        if not self.root.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            rel = Path(dirpath).relative_to(self.root)
            for filename in sorted(filenames):
                if not filename.startswith(_TEMP_PREFIX):
                    continue
                match = _STAGED.fullmatch(filename)
                final = (rel / match["final"]).as_posix() if match else None
                yield Path(dirpath) / filename, final

    @staticmethod
    def staged_modified_at(staged: Path) -> datetime:
        """When a staged file was written; :raise FileNotFoundError: when it is gone."""
        return datetime.fromtimestamp(staged.stat().st_mtime, UTC)

    def delete(self, name: str) -> None:
        """Remove `name`; a missing file is fine."""
        self.path(name).unlink(missing_ok=True)

    def names(self) -> Iterator[str]:
        """Every stored name, sorted, skipping temp files (for an orphan clean-up)."""
        if not self.root.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            rel = Path(dirpath).relative_to(self.root)
            for filename in sorted(filenames):
                if filename.startswith("."):
                    continue
                yield (rel / filename).as_posix()


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable; best effort (not every platform can open a directory)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
