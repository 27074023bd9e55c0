"""The model manifest, the install stamp written beside each model, and checks of both."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from voice_helper import MODELS_DIR
from voice_helper.errors import ModelMissing
from voice_helper.listen.vosk_engine import vosk_model_problems
from voice_helper.yamlfile import Checker, Field, YamlProblems, load_yaml

_LOGGER = logging.getLogger(__name__)

MANIFEST_PATH = MODELS_DIR / "manifest.yaml"
STAMP_NAME = ".verified"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")

_SPEC_SCHEMA = {
    "name": Field(str),
    "engine": Field(str, choices=("vosk",)),
    "language": Field(str),
    "url": Field(str),
    "size": Field((int, type(None)), required=False),
    "sha256": Field((str, type(None))),
    "license": Field(str, required=False),
    "description": Field(str, required=False),
}


class ModelFetchError(ModelMissing):
    """A model could not be downloaded, checked or unpacked; nothing was installed."""


@dataclass(frozen=True)
class ModelSpec:
    """One downloadable model, as listed in models/manifest.yaml."""

    name: str
    """Directory name once installed, e.g. vosk-model-small-en-us-0.15."""
    engine: str
    """Engine that loads it; only "vosk" models are downloaded."""
    language: str
    """Language tag, e.g. en-us."""
    url: str
    """Where the archive (.zip or .tar.*) is downloaded from."""
    size: int | None
    """Archive size in bytes, when known."""
    sha256: str | None
    """Archive SHA-256 in hex; None when no trustworthy value is known."""
    license: str = ""
    """Licence of the model files."""
    description: str = ""
    """One line for `models list`."""


@dataclass
class InstallStamp:
    """What was installed and from which archive; written as JSON to <model>/.verified."""

    name: str
    """Model name."""
    url: str
    """Where the archive came from."""
    archive_sha256: str
    """SHA-256 of the downloaded archive."""
    archive_size: int
    """Size of the downloaded archive in bytes."""
    archive_verified: bool
    """False when it was installed with --insecure-skip-verify."""
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Relative path -> {"size": bytes, "sha256": hex} of every file installed."""


@dataclass(frozen=True)
class ModelStatus:
    """How an installed (or expected) model looks on disk."""

    name: str
    """Model name."""
    path: Path
    """Its directory."""
    state: str
    """verified, unverified, unstamped, incomplete or missing."""
    detail: str
    """One line saying what the state means or what to do."""


def normalise_sha256(value: str) -> str:
    """Lower-case hex digest; raise ModelFetchError when it is not 64 hex digits."""
    digest = value.strip().lower()
    if not _HEX64.match(digest):
        raise ModelFetchError(f"{value!r} is not a SHA-256 digest (64 hexadecimal digits)")
    return digest


def load_manifest(path: Path = MANIFEST_PATH) -> list[ModelSpec]:
    """Read and check the model manifest."""
    try:
        raw = load_yaml(path)
    except YamlProblems as exc:
        raise ModelMissing(f"The model manifest cannot be read:\n  {exc}") from exc
    checker = Checker(path)
    if checker.mapping(raw, {"models": Field(list, items=_SPEC_SCHEMA)}, "", 1):
        for index, entry in enumerate(raw["models"]):
            digest = entry.get("sha256") if isinstance(entry, dict) else None
            if isinstance(digest, str) and not _HEX64.match(digest.lower()):
                checker.add(
                    getattr(entry, "line", 1),
                    f"models[{index}].sha256",
                    "should be 64 hexadecimal digits or null",
                )
    if checker.problems:
        raise ModelMissing(
            "The model manifest is not valid:\n  " + "\n  ".join(str(p) for p in checker.problems)
        )
    specs = []
    for entry in raw["models"]:
        values = dict(entry)
        if isinstance(values.get("sha256"), str):
            values["sha256"] = values["sha256"].lower()
        specs.append(ModelSpec(**values))
    return specs


def find_spec(specs: list[ModelSpec], name: str | None) -> ModelSpec:
    """The named model, or the first one in the manifest when no name is given."""
    if not specs:
        raise ModelMissing("The model manifest lists no models.")
    if name is None:
        return specs[0]
    for spec in specs:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in specs)
    raise ModelMissing(f"No model called {name!r} in the manifest; known models: {known}")


def hash_file(path: Path) -> str:
    """SHA-256 of a file in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_records(root: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of every regular file under root, by relative path."""
    records = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.name != STAMP_NAME:
            records[path.relative_to(root).as_posix()] = {
                "size": path.stat().st_size,
                "sha256": hash_file(path),
            }
    return records


def write_stamp(model_dir: Path, stamp: InstallStamp) -> None:
    """Write the install stamp into the model directory."""
    (model_dir / STAMP_NAME).write_text(json.dumps(asdict(stamp), indent=1, sort_keys=True))


def read_stamp(model_dir: Path) -> InstallStamp | None:
    """The install stamp, or None when there is none or it cannot be read."""
    try:
        data = json.loads((model_dir / STAMP_NAME).read_text())
        return InstallStamp(**data)
    except (OSError, ValueError, TypeError):
        return None


def verify_model(model_dir: Path) -> list[str]:
    """Re-check every installed file against the stamp; empty when all is well."""
    if not model_dir.is_dir():
        return [f"{model_dir} does not exist; run `voice-helper models fetch`"]
    problems = vosk_model_problems(model_dir)
    stamp = read_stamp(model_dir)
    if stamp is None:
        return [
            *problems,
            (
                f"{model_dir / STAMP_NAME} is missing or unreadable, so the files "
                "cannot be checked; run `voice-helper models fetch --force`"
            ),
        ]
    return problems + _stamp_problems(model_dir, stamp, hashed=True)


def _stamp_problems(model_dir: Path, stamp: InstallStamp, hashed: bool) -> list[str]:
    """Files that are missing or differ in size from the stamp (and, if hashed, in SHA-256)."""
    problems = []
    for rel, record in sorted(stamp.files.items()):
        path = model_dir / rel
        if not path.is_file():
            problems.append(f"{rel} is missing")
        elif path.stat().st_size != record["size"]:
            problems.append(f"{rel} has {path.stat().st_size} bytes, expected {record['size']}")
        elif hashed and hash_file(path) != record["sha256"]:
            problems.append(f"{rel} has changed (SHA-256 differs)")
    return problems


def check_installed(model_dir: Path) -> None:
    """Refuse a stamped model whose files are missing or have changed size (no hashing, so it
    is quick enough for every start); a model installed by hand has no stamp to check."""
    stamp = read_stamp(model_dir)
    if stamp is None:
        return
    problems = _stamp_problems(model_dir, stamp, hashed=False)
    if problems:
        raise ModelMissing(
            f"The model at {model_dir} is not as it was installed "
            f"({'; '.join(problems[:3])}); run `voice-helper models verify`, "
            f"then `voice-helper models fetch --force`."
        )


def model_status(model_dir: Path) -> ModelStatus:
    """A quick look (no hashing) at one model directory."""
    name = model_dir.name
    if not model_dir.exists():
        return ModelStatus(
            name, model_dir, "missing", f"not installed; run `voice-helper models fetch {name}`"
        )
    problems = vosk_model_problems(model_dir)
    if problems:
        return ModelStatus(name, model_dir, "incomplete", "; ".join(problems))
    stamp = read_stamp(model_dir)
    if stamp is None:
        return ModelStatus(
            name, model_dir, "unstamped", "installed by hand; files cannot be checked"
        )
    if not stamp.archive_verified:
        return ModelStatus(
            name,
            model_dir,
            "unverified",
            "installed with --insecure-skip-verify; archive was not checked",
        )
    return ModelStatus(
        name,
        model_dir,
        "verified",
        f"archive SHA-256 {stamp.archive_sha256[:16]}…, {len(stamp.files)} files",
    )


def model_statuses(
    dest: Path = MODELS_DIR, specs: list[ModelSpec] | None = None
) -> list[ModelStatus]:
    """Status of every manifest model plus any other model directory found in dest."""
    names = [spec.name for spec in specs or []]
    if dest.is_dir():
        names += sorted(
            p.name
            for p in dest.iterdir()
            if p.is_dir() and not p.name.startswith(".") and p.name not in names
        )
    return [model_status(dest / name) for name in names]
