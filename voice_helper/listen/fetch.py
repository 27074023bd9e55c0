"""Download a model archive, check it, unpack it safely and install it atomically."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TextIO

from voice_helper.listen.archives import extract_tar, extract_zip
from voice_helper.listen.model_manifest import (
    STAMP_NAME,
    InstallStamp,
    ModelFetchError,
    ModelSpec,
    file_records,
    normalise_sha256,
    read_stamp,
    write_stamp,
)
from voice_helper.listen.vosk_engine import vosk_model_problems

_LOGGER = logging.getLogger(__name__)

_BLOCK = 1 << 16


@dataclass(frozen=True)
class FetchResult:
    """What `fetch_model` did."""

    path: Path
    """The installed model directory."""
    sha256: str
    """SHA-256 of the archive."""
    verified: bool
    """False when installed with insecure_skip_verify."""
    already_installed: bool = False
    """True when the same archive was installed already and nothing was downloaded."""


class Progress:
    """A one-line progress bar on a terminal; a few plain lines otherwise."""

    def __init__(self, out: TextIO | None, label: str):
        self.out = out
        self.label = label
        self._last = 0.0
        self._step = -1
        self._tty = bool(out is not None and hasattr(out, "isatty") and out.isatty())

    def update(self, done: int, total: int | None) -> None:
        """Show progress, at most ten times a second."""
        if self.out is None:
            return
        if self._tty:
            now = time.monotonic()
            if now - self._last < 0.1 and (total is None or done < total):
                return
            self._last = now
            if total:
                filled = int(30 * done / total)
                bar = "#" * filled + "-" * (30 - filled)
                self.out.write(
                    f"\r{self.label} [{bar}] {100 * done // total:3d}% "
                    f"{done / 1e6:.1f}/{total / 1e6:.1f} MB"
                )
            else:
                self.out.write(f"\r{self.label} {done / 1e6:.1f} MB")
        elif total:
            step = 4 * done // total  # a line at 0, 25, 50, 75 and 100 %
            if step != self._step:
                self._step = step
                self.out.write(f"{self.label}: {25 * step}% of {total / 1e6:.1f} MB\n")
        self.out.flush()

    def finish(self) -> None:
        """End the progress line."""
        if self.out is not None and self._tty:
            self.out.write("\n")
            self.out.flush()


def download(
    url: str, part: Path, expected_size: int | None, progress: Progress
) -> tuple[int, str]:
    """Stream url into part; return its size and SHA-256; raise ModelFetchError when cut short."""
    digest = hashlib.sha256()
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=60) as response, part.open("wb") as out:
            header = response.headers.get("Content-Length")
            announced = int(header) if header and header.isdigit() else None
            total = announced or expected_size
            if expected_size is not None and announced is not None and announced != expected_size:
                raise ModelFetchError(
                    f"{url} offers {announced} bytes but the manifest expects "
                    f"{expected_size}; not downloading it"
                )
            while True:
                block = response.read(_BLOCK)
                if not block:
                    break
                out.write(block)
                digest.update(block)
                received += len(block)
                if total is not None and received > total:
                    raise ModelFetchError(f"{url} sent more than the {total} bytes expected")
                progress.update(received, total)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelFetchError(
            f"Download of {url} failed ({reason}); check the network and run the command again"
        ) from exc
    finally:
        progress.finish()
    if announced is not None and received != announced:
        raise ModelFetchError(
            f"Download of {url} was cut short: got {received} of {announced} "
            "bytes; run the command again"
        )
    return received, digest.hexdigest()


def _model_root(unpacked: Path) -> Path:
    """The model folder inside an unpacked archive (archives usually wrap it in one folder)."""
    entries = [p for p in unpacked.iterdir() if not p.name.startswith("__MACOSX")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return unpacked


def _clean_leftovers(dest: Path, name: str) -> None:
    """Remove .part files and staging folders left by an interrupted earlier fetch."""
    for leftover in dest.glob(f".{name}.*"):
        _LOGGER.info("removing leftover %s", leftover)
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def fetch_model(
    spec: ModelSpec,
    dest: Path,
    url: str | None = None,
    sha256: str | None = None,
    insecure_skip_verify: bool = False,
    force: bool = False,
    progress_out: TextIO | None = sys.stderr,
) -> FetchResult:
    """Download, verify and install one model into dest/<name>; never leave half a model."""
    expected_sha = normalise_sha256(sha256) if sha256 else spec.sha256
    if expected_sha is None and not insecure_skip_verify:
        raise ModelFetchError(
            f"There is no trusted SHA-256 for {spec.name} in models/manifest.yaml, so the "
            "download cannot be checked. Pass --sha256 HEX (from a source you trust), or "
            "--insecure-skip-verify to install it unchecked."
        )
    source = url or spec.url
    # The manifest's size belongs to the manifest's archive; a digest given by hand decides alone.
    expected_size = spec.size if url is None and sha256 is None else None
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / spec.name
    existing = read_stamp(target) if target.exists() else None
    if existing and expected_sha and existing.archive_sha256 == expected_sha and not force:
        return FetchResult(target, expected_sha, existing.archive_verified, already_installed=True)
    if target.exists() and not force:
        raise ModelFetchError(f"{target} already exists; pass --force to replace it.")
    _clean_leftovers(dest, spec.name)
    archive_name = PurePosixPath(source.split("?")[0]).name or "model.zip"
    part = dest / f".{spec.name}.{archive_name}.part"
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.name}.staging-", dir=dest))
    try:
        _LOGGER.info("downloading %s", source)
        size, digest = download(source, part, expected_size, Progress(progress_out, spec.name))
        if expected_size is not None and size != expected_size:
            raise ModelFetchError(
                f"{source} gave {size} bytes, expected {expected_size}; nothing was installed"
            )
        if expected_sha is not None and digest != expected_sha:
            raise ModelFetchError(
                f"The download of {spec.name} has SHA-256 {digest}, expected "
                f"{expected_sha}: it is damaged or not the expected file. "
                "Nothing was installed."
            )
        if expected_sha is None:
            _LOGGER.warning("installing %s unchecked (SHA-256 %s)", spec.name, digest)
        unpacked = staging / "unpacked"
        unpacked.mkdir()
        if zipfile.is_zipfile(part):
            extract_zip(part, unpacked)
        elif tarfile.is_tarfile(part):
            extract_tar(part, unpacked)
        else:
            raise ModelFetchError(f"{source} is neither a zip nor a tar archive")
        root = _model_root(unpacked)
        problems = vosk_model_problems(root) if spec.engine == "vosk" else []
        if problems:
            raise ModelFetchError(
                f"The archive from {source} does not hold a vosk model "
                f"({'; '.join(problems)}); nothing was installed."
            )
        write_stamp(
            root,
            InstallStamp(
                name=spec.name,
                url=source,
                archive_sha256=digest,
                archive_size=size,
                archive_verified=expected_sha is not None,
                files=file_records(root),
            ),
        )
        previous = staging / "previous"
        if target.exists():
            os.rename(target, previous)
        try:
            os.rename(root, target)
        except OSError:
            if previous.exists():
                os.rename(previous, target)
            raise
        _LOGGER.info("installed %s into %s (%s)", spec.name, target, STAMP_NAME)
        return FetchResult(target, digest, expected_sha is not None)
    finally:
        part.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
