"""Local photo storage: atomic, content-addressed writes that never leave the root."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from fieldapp.media.storage import LocalStorage, Storage, photo_names

DIGEST = hashlib.sha256(b"photo").hexdigest()


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


def test_photo_names_fan_out_by_two_characters() -> None:
    web, thumb = photo_names(DIGEST)
    assert web == f"{DIGEST[:2]}/{DIGEST}.jpg"
    assert thumb == f"{DIGEST[:2]}/{DIGEST}_t.jpg"


@pytest.mark.parametrize("digest", ["", "a", "../../etc/passwd", "ab/cd", "ABCDEF", "zz" * 32])
def test_photo_names_refuse_non_hex_digests(digest: str) -> None:
    with pytest.raises(ValueError):
        photo_names(digest)


def test_save_exists_path_delete(storage: LocalStorage) -> None:
    web, thumb = photo_names(DIGEST)
    assert not storage.exists(web)
    storage.save(web, b"web bytes")
    storage.save(thumb, b"thumb bytes")
    assert storage.exists(web) and storage.exists(thumb)
    assert storage.path(web) == storage.root / DIGEST[:2] / f"{DIGEST}.jpg"
    assert storage.path(web).read_bytes() == b"web bytes"
    storage.delete(web)
    assert not storage.exists(web)
    assert storage.exists(thumb)
    storage.delete(web)  # missing is fine
    storage.delete("never/saved.jpg")


def test_save_keeps_an_existing_file(storage: LocalStorage) -> None:
    storage.save("ab/x.jpg", b"first")
    storage.save("ab/x.jpg", b"second")
    assert storage.path("ab/x.jpg").read_bytes() == b"first"


def test_save_leaves_no_temp_files_and_is_private(storage: LocalStorage) -> None:
    for i in range(5):
        storage.save(f"{i:02x}/{i}.jpg", bytes([i]) * 1000)
    assert all_files(storage.root) == [f"{i:02x}/{i}.jpg" for i in range(5)]
    mode = stat.S_IMODE(storage.path("00/0.jpg").stat().st_mode)
    assert mode & 0o077 == 0


def test_failed_write_leaves_nothing_behind(
    storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        storage.save("ab/x.jpg", b"data")
    assert all_files(storage.root) == []
    assert not storage.exists("ab/x.jpg")


def test_names_lists_stored_files_and_skips_temp_files(storage: LocalStorage) -> None:
    assert list(storage.names()) == []  # the root does not exist yet
    web, thumb = photo_names(DIGEST)
    storage.save(web, b"w")
    storage.save(thumb, b"t")
    storage.save("top.jpg", b"x")
    (storage.root / DIGEST[:2] / ".tmp-abc123.part").write_bytes(b"half a photo")
    assert sorted(storage.names()) == sorted([web, thumb, "top.jpg"])


@pytest.mark.parametrize(
    "name",
    [
        "",
        "..",
        "../outside.jpg",
        "ab/../../outside.jpg",
        "ab/../cd.jpg",
        "/etc/passwd",
        "ab\\..\\x.jpg",
        "ab//x.jpg",
        "./x.jpg",
        "ab/",
        ".tmp-x.part",
        "ab/x\0.jpg",
    ],
)
def test_names_that_could_escape_the_root_are_refused(storage: LocalStorage, name: str) -> None:
    for call in (storage.path, storage.exists, storage.delete):
        with pytest.raises(ValueError):
            call(name)
    with pytest.raises(ValueError):
        storage.save(name, b"x")
    assert not (storage.root.parent / "outside.jpg").exists()


def test_accepts_str_root_and_satisfies_the_storage_interface(tmp_path: Path) -> None:
    storage: Storage = LocalStorage(str(tmp_path))
    storage.save("cd/y.jpg", b"y")
    assert list(storage.names()) == ["cd/y.jpg"]
