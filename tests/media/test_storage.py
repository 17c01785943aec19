"""Photo storage, on disk and in an S3-compatible bucket (a moto server on loopback): the same
content-addressed names, writes that never leave the root, staging that follows a commit."""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from fieldapp.media.s3_storage import S3Storage
from fieldapp.media.storage import LocalStorage, Storage, photo_names

DIGEST = hashlib.sha256(b"photo").hexdigest()


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def local(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """Each storage the app can be configured with; the bucket one under a key prefix."""
    if request.param == "local":
        return LocalStorage(tmp_path / "uploads")
    _endpoint, name, client = request.getfixturevalue("bucket")
    return S3Storage(name, "fieldapp/photos", client)


def everything(storage: Storage) -> list[str]:
    """Every name and temp file, relative to the storage's root (or key prefix)."""
    temps = [
        p.relative_to(storage.root).as_posix() if isinstance(p, Path) else p[len(storage.prefix) :]
        for p, _final in storage.temp_files()
    ]
    return sorted([*storage.names(), *temps])


def test_photo_names_fan_out_by_two_characters() -> None:
    web, thumb = photo_names(DIGEST)
    assert web == f"{DIGEST[:2]}/{DIGEST}.jpg"
    assert thumb == f"{DIGEST[:2]}/{DIGEST}_t.jpg"


@pytest.mark.parametrize("digest", ["", "a", "../../etc/passwd", "ab/cd", "ABCDEF", "zz" * 32])
def test_photo_names_refuse_non_hex_digests(digest: str) -> None:
    with pytest.raises(ValueError):
        photo_names(digest)


def test_save_exists_read_delete(storage: Storage) -> None:
    web, thumb = photo_names(DIGEST)
    assert not storage.exists(web)
    with pytest.raises(FileNotFoundError):
        storage.read(web)
    storage.save(web, b"web bytes")
    storage.save(thumb, b"thumb bytes")
    assert storage.exists(web) and storage.exists(thumb)
    assert storage.read(web) == b"web bytes"
    opened = storage.open(web)
    assert (opened.body.read(), opened.size) == (b"web bytes", 9)
    opened.body.close()
    assert opened.modified_at == storage.modified_at(web)
    storage.delete(web)
    assert not storage.exists(web)
    assert storage.exists(thumb)
    storage.delete(web)  # missing is fine
    storage.delete("never/saved.jpg")


def test_open_reads_nothing_when_the_callers_copy_is_current(storage: Storage) -> None:
    web, _thumb = photo_names(DIGEST)
    storage.save(web, b"web bytes")
    full = storage.open(web)
    full.body.close()
    later, earlier = full.modified_at + timedelta(seconds=1), full.modified_at - timedelta(hours=1)

    unchanged = storage.open(web, if_modified_since=later)
    assert (unchanged.body, unchanged.etag) == (None, full.etag)
    changed = storage.open(web, if_modified_since=earlier)
    assert changed.body.read() == b"web bytes"
    changed.body.close()
    # A tag that does not match is read whatever the date (If-None-Match wins, as in HTTP).
    stale = storage.open(web, if_none_match="not-it", if_modified_since=later)
    assert stale.body.read() == b"web bytes"
    stale.body.close()
    if full.etag is not None:  # a bucket's own tag; files have none
        tagged = storage.open(web, if_none_match=full.etag, if_modified_since=earlier)
        assert (tagged.body, tagged.etag) == (None, full.etag)
    with pytest.raises(FileNotFoundError):
        storage.open("ab/missing.jpg", if_modified_since=later)


def test_local_names_are_paths_under_the_root(local: LocalStorage) -> None:
    web, _thumb = photo_names(DIGEST)
    local.save(web, b"web bytes")
    assert local.path(web) == local.root / DIGEST[:2] / f"{DIGEST}.jpg"
    assert local.path(web).read_bytes() == b"web bytes"


def test_save_keeps_an_existing_file(storage: Storage) -> None:
    storage.save("ab/x.jpg", b"first")
    storage.save("ab/x.jpg", b"second")
    assert storage.read("ab/x.jpg") == b"first"


def test_save_leaves_no_temp_files(storage: Storage) -> None:
    for i in range(5):
        storage.save(f"{i:02x}/{i}.jpg", bytes([i]) * 1000)
    assert everything(storage) == [f"{i:02x}/{i}.jpg" for i in range(5)]


def test_local_files_are_private(local: LocalStorage) -> None:
    local.save("00/0.jpg", b"x" * 1000)
    mode = stat.S_IMODE(local.path("00/0.jpg").stat().st_mode)
    assert mode & 0o077 == 0


def test_failed_write_leaves_nothing_behind(
    local: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        local.save("ab/x.jpg", b"data")
    assert all_files(local.root) == []
    assert not local.exists("ab/x.jpg")


def test_names_lists_stored_files_and_skips_temp_files(storage: Storage) -> None:
    assert list(storage.names()) == []  # the root does not exist yet
    web, thumb = photo_names(DIGEST)
    storage.save(web, b"w")
    storage.save(thumb, b"t")
    storage.save("top.jpg", b"x")
    storage.stage(web, b"half a photo")
    assert sorted(storage.names()) == sorted([web, thumb, "top.jpg"])


def test_stage_promote_and_discard(storage: Storage) -> None:
    """A staged file is not a name until promoted; promoting twice (a clean-up got there
    first) is fine while the final file is there, and an error once neither is."""
    web, thumb = photo_names(DIGEST)
    staged = storage.stage(web, b"web bytes")
    abandoned = storage.stage(thumb, b"never committed")
    assert list(storage.names()) == []
    assert sorted(final for _handle, final in storage.temp_files()) == sorted([web, thumb])
    assert storage.staged_modified_at(staged) <= storage.staged_modified_at(abandoned)
    storage.promote(staged)
    assert storage.read(web) == b"web bytes"
    storage.promote(staged)  # a concurrent clean-up promoted it first
    storage.discard(abandoned)
    storage.discard(abandoned)  # gone already: fine
    assert everything(storage) == [web]
    with pytest.raises(FileNotFoundError):
        storage.staged_modified_at(abandoned)
    with pytest.raises(FileNotFoundError):
        storage.promote(abandoned)
    with pytest.raises(ValueError):
        storage.promote(web if isinstance(storage, S3Storage) else storage.path(web))


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
def test_names_that_could_escape_the_root_are_refused(
    storage: Storage, name: str, tmp_path: Path
) -> None:
    for call in (storage.exists, storage.delete, storage.read, storage.open):
        with pytest.raises(ValueError):
            call(name)
    for write in (storage.save, storage.stage):
        with pytest.raises(ValueError):
            write(name, b"x")
    if isinstance(storage, LocalStorage):
        with pytest.raises(ValueError):
            storage.path(name)
    assert not (tmp_path / "outside.jpg").exists()
    assert everything(storage) == []


def test_accepts_str_root_and_satisfies_the_storage_interface(tmp_path: Path) -> None:
    storage: Storage = LocalStorage(str(tmp_path))
    storage.save("cd/y.jpg", b"y")
    assert list(storage.names()) == ["cd/y.jpg"]


def test_bucket_prefixes_keep_installations_apart_and_objects_private(bucket) -> None:
    """Two prefixes in one bucket never see each other's names; nothing is made public."""
    _endpoint, name, client = bucket
    town, other = S3Storage(name, "aalborg", client), S3Storage(name, "/odense/", client)
    town.save("ab/x.jpg", b"town")
    other.save("ab/x.jpg", b"other")
    other.save("cd/y.jpg", b"other")
    assert list(town.names()) == ["ab/x.jpg"]
    assert list(other.names()) == ["ab/x.jpg", "cd/y.jpg"]
    assert town.read("ab/x.jpg") == b"town"
    keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket=name)["Contents"])
    assert keys == ["aalborg/ab/x.jpg", "odense/ab/x.jpg", "odense/cd/y.jpg"]
    grants = client.get_object_acl(Bucket=name, Key="aalborg/ab/x.jpg")["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)


def test_names_page_through_more_than_a_thousand_objects(bucket) -> None:
    """list_objects_v2 returns 1000 keys a page; names() and temp_files() see them all."""
    _endpoint, name, client = bucket
    storage = S3Storage(name, "", client)
    for i in range(1005):
        client.put_object(Bucket=name, Key=f"{i % 256:02x}/{i:04d}.jpg", Body=b"")
    storage.stage("ff/" + "f" * 64 + ".jpg", b"staged")
    assert len(list(storage.names())) == 1005
    assert [final for _key, final in storage.temp_files()] == ["ff/" + "f" * 64 + ".jpg"]


def test_a_bucket_failure_is_an_oserror_not_a_missing_file(bucket) -> None:
    """Callers treat OSError as "storage trouble, try later" (the photo worker retries)."""
    from fieldapp.media.s3_storage import S3StorageError

    _endpoint, _name, client = bucket
    storage = S3Storage("no-such-bucket-here", "", client)
    with pytest.raises(S3StorageError):
        storage.stage("ab/" + "ab" * 32 + ".jpg", b"x")
    with pytest.raises(S3StorageError):
        list(storage.names())
