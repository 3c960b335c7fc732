"""Input and output folders named by fsspec URLs (s3://, gcs://, az://, file://, memory:// ...).

A run always works on local folders: the raw folder and the output folder's history are
mirrored from their URLs to a local copy first, the run writes locally with its atomic
writes and lock, and what the run changed is then uploaded, the run folder's ``_SUCCESS``
marker last, so that a reader of the bucket can tell a finished run from one still being
uploaded. Plain paths never touch fsspec and stay the default.

Object names come from storage we do not control, so a name that would leave its folder
("../x", an absolute path) is refused rather than turned into a local path.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import fsspec

LOGGER = logging.getLogger(__name__)

SUCCESS_MARKER = "_SUCCESS"


class StorageError(RuntimeError):
    """A remote folder could not be read or written; the message says which and why."""


def is_url(location: str | os.PathLike[str]) -> bool:
    """True for an fsspec URL ("s3://bucket/raw"); False for a plain local path."""
    return "://" in os.fspath(location)


def safe_relative(name: str) -> PurePosixPath:
    """A remote object's path below its folder, refused when it could leave that folder."""
    relative = PurePosixPath(name)
    if not name or relative.is_absolute() or any(part in ("..", "") for part in relative.parts) or "\\" in name:
        raise StorageError(f"refusing remote object name {name!r}: it would leave its folder")
    return relative


def mirror_root() -> Path:
    """Where local copies of remote folders live: $CREDENCE_MIRROR_DIR, else .credence/ of $CREDENCE_HOME or the project."""
    if os.environ.get("CREDENCE_MIRROR_DIR"):
        return Path(os.environ["CREDENCE_MIRROR_DIR"])
    return Path(os.environ.get("CREDENCE_HOME") or Path(__file__).resolve().parent.parent) / ".credence"


def mirror_folder(url: str, cache_root: Path, kind: str) -> Path:
    """The local folder that mirrors ``url`` (named by a hash of the URL, never by its text)."""
    return cache_root / "mirror" / f"{kind}-{hashlib.sha256(url.encode()).hexdigest()[:16]}"


@dataclass(frozen=True)
class Snapshot:
    """Size and modification time of each file of a local folder, by relative path."""

    files: dict[str, tuple[int, int]]

    @classmethod
    def of(cls, folder: Path) -> Snapshot:
        files = {}
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                stat = path.stat()
                files[path.relative_to(folder).as_posix()] = (stat.st_size, stat.st_mtime_ns)
        return cls(files)


def local_only(name: str) -> bool:
    """Hidden top-level entries (.cache, .staging-*, .run.lock) belong to the machine running."""
    return name.startswith(".")


def _signature(info: dict[str, object]) -> str:
    """What tells a changed remote object: its size and whichever version stamp the store keeps."""
    stamp = next((info[key] for key in ("ETag", "etag", "md5Hash", "generation", "mtime", "LastModified", "last_modified", "created") if info.get(key)), "")
    return f"{info.get('size')}:{stamp}"


def _remote_files(fs: fsspec.AbstractFileSystem, root: str) -> dict[str, str]:
    """Relative name -> change signature of every file under ``root`` (none when the folder is missing)."""
    if not fs.exists(root):
        return {}
    prefix = root.rstrip("/") + "/"
    files = {}
    for full, info in fs.find(root, detail=True).items():
        name = full[len(prefix) :] if full.startswith(prefix) else full.rsplit("/", 1)[-1]
        files[safe_relative(name).as_posix()] = _signature(info)
    return files


def pull(url: str, local: Path) -> Snapshot:
    """Make ``local`` a copy of the folder at ``url``; return the local folder's snapshot.

    Only files whose signature changed since the last pull are downloaded; local files gone
    from the remote folder are removed. Hidden top-level entries are neither fetched nor removed.
    """
    fs, root = fsspec.core.url_to_fs(url)
    try:
        remote = {name: sign for name, sign in _remote_files(fs, root).items() if not local_only(name)}
    except (OSError, ValueError) as error:
        raise StorageError(f"could not list {url}: {error}") from error
    signatures = local.parent / f"{local.name}.pulled.json"
    pulled = json.loads(signatures.read_text(encoding="utf-8")) if signatures.exists() else {}
    local.mkdir(parents=True, exist_ok=True)
    for name, sign in remote.items():
        target = local / name
        if target.is_file() and pulled.get(name) == sign:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".download")
        try:
            fs.get_file(f"{root.rstrip('/')}/{name}", str(partial))
        except (OSError, ValueError) as error:
            raise StorageError(f"could not download {url.rstrip('/')}/{name}: {error}") from error
        partial.replace(target)
    for name in Snapshot.of(local).files:
        if name not in remote and not local_only(name):
            (local / name).unlink()
    signatures.write_text(json.dumps(remote, sort_keys=True), encoding="utf-8")
    LOGGER.info("Mirrored %d files of %s to %s", len(remote), url, local)
    return Snapshot.of(local)


def push(local: Path, url: str, before: Snapshot) -> list[str]:
    """Upload what changed in ``local`` since ``before`` to the folder at ``url``; delete what was removed.

    Inside each top-level folder that changed, ``_SUCCESS`` (a manifest of the folder's files)
    is written last. Returns the uploaded relative names.
    """
    fs, root = fsspec.core.url_to_fs(url)
    after = Snapshot.of(local)
    keep = {name: stat for name, stat in after.files.items() if not local_only(name)}
    changed = sorted(name for name, stat in keep.items() if before.files.get(name) != stat)
    removed = sorted(name for name in before.files if name not in after.files and not local_only(name))
    base = root.rstrip("/")
    try:
        for name in removed:
            if fs.exists(f"{base}/{name}"):
                fs.rm_file(f"{base}/{name}")
        for name in changed:
            if name.endswith("/" + SUCCESS_MARKER):
                continue
            fs.makedirs(f"{base}/{name}".rsplit("/", 1)[0], exist_ok=True)
            fs.put_file(str(local / name), f"{base}/{name}")
        for folder in sorted({name.split("/", 1)[0] for name in changed if "/" in name}):
            members = sorted(name for name in keep if name.startswith(folder + "/") and not name.endswith("/" + SUCCESS_MARKER))
            manifest = json.dumps({"files": [name[len(folder) + 1 :] for name in members]}, indent=1)
            with fs.open(f"{base}/{folder}/{SUCCESS_MARKER}", "w") as handle:
                handle.write(manifest)
        # What is on the remote side now is what the mirror holds: the next pull skips it.
        uploaded = {name: sign for name, sign in _remote_files(fs, root).items() if not local_only(name)}
    except (OSError, ValueError) as error:
        raise StorageError(f"could not upload to {url}: {error}; the local copy in {local} is complete, rerun to retry") from error
    (local.parent / f"{local.name}.pulled.json").write_text(json.dumps(uploaded, sort_keys=True), encoding="utf-8")
    LOGGER.info("Uploaded %d files to %s (%d removed)", len(changed), url, len(removed))
    return changed
