"""Unpack a model archive (zip or tar) safely: no paths outside the target, no zip bombs."""

from __future__ import annotations

import shutil
import stat
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from voice_helper.listen.model_manifest import (
    ModelFetchError,
)

MAX_UNPACKED_BYTES = 4 << 30
"""Refuse archives that would unpack to more than this (a zip bomb, not a model)."""
_BLOCK = 1 << 16


def _member_problem(name: str) -> str | None:
    """Why an archive member's name is unsafe, or None."""
    posix = name.replace("\\", "/")
    parts = PurePosixPath(posix).parts
    if posix.startswith("/") or (parts and ":" in parts[0]):
        return f"absolute path {name!r}"
    if ".." in parts:
        return f"path {name!r} climbs out of the archive"
    return None


def _inside(root: Path, path: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def extract_zip(archive: Path, target: Path) -> None:
    """Unpack a zip into target, refusing unsafe paths, links and oversized contents."""
    with zipfile.ZipFile(archive) as bundle:
        members = bundle.infolist()
        total = 0
        for info in members:
            problem = _member_problem(info.filename)
            if problem is None and stat.S_ISLNK(info.external_attr >> 16):
                problem = f"symbolic link {info.filename!r}"
            if problem is None and not _inside(target, target / info.filename):
                problem = f"path {info.filename!r} leads outside the model folder"
            if problem:
                raise ModelFetchError(
                    f"Refusing to unpack {archive.name}: it holds an unsafe "
                    f"{problem}. Nothing was installed."
                )
            total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise ModelFetchError(
                f"Refusing to unpack {archive.name}: it would take "
                f"{total / 1e9:.1f} GB. Nothing was installed."
            )
        for info in members:
            destination = target / info.filename
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(info) as source, destination.open("wb") as out:
                shutil.copyfileobj(source, out, _BLOCK)


def extract_tar(archive: Path, target: Path) -> None:
    """Unpack a tar (any compression) into target, refusing unsafe members."""
    with tarfile.open(archive) as bundle:
        members = bundle.getmembers()
        total = 0
        for member in members:
            problem = _member_problem(member.name)
            if problem is None and not _inside(target, target / member.name):
                problem = f"path {member.name!r} leads outside the model folder"
            if problem is None and (member.issym() or member.islnk()):
                base = (target / member.name).parent if member.issym() else target
                if _member_problem(member.linkname) or not _inside(target, base / member.linkname):
                    problem = f"link {member.name!r} -> {member.linkname!r} points outside"
            if problem is None and not (
                member.isfile() or member.isdir() or member.issym() or member.islnk()
            ):
                problem = f"special file {member.name!r}"
            if problem:
                raise ModelFetchError(
                    f"Refusing to unpack {archive.name}: it holds an unsafe "
                    f"{problem}. Nothing was installed."
                )
            total += member.size
        if total > MAX_UNPACKED_BYTES:
            raise ModelFetchError(
                f"Refusing to unpack {archive.name}: it would take "
                f"{total / 1e9:.1f} GB. Nothing was installed."
            )
        bundle.extractall(target, members=members, filter="data")
