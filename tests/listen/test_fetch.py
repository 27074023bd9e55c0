"""`models fetch / list / verify` against a real HTTP server on 127.0.0.1 serving test archives."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from voice_helper.cli import main
from voice_helper.errors import ModelMissing
from voice_helper.listen.fetch import fetch_model
from voice_helper.listen.model_manifest import (
    STAMP_NAME,
    ModelFetchError,
    ModelSpec,
    find_spec,
    load_manifest,
    model_status,
    verify_model,
)

NAME = "vosk-model-test-0.1"
MODEL_FILES = {
    "am/final.mdl": b"acoustic model " * 100,
    "conf/model.conf": b"--min-active=200\n",
    "graph/HCLr.fst": b"lookahead graph " * 50,
    "graph/Gr.fst": b"grammar graph " * 50,
    "README": b"a test model\n",
}


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def _tar(files: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as bundle:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            bundle.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            bundle.addfile(info)
    return buffer.getvalue()


GOOD_ZIP = _zip({f"{NAME}/{name}": data for name, data in MODEL_FILES.items()})
GOOD_SHA = hashlib.sha256(GOOD_ZIP).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    """Serves the server's `files`; a path listed in `truncate` announces more than it sends."""

    def do_GET(self) -> None:
        body = self.server.files.get(self.path)  # type: ignore[attr-defined]
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path in self.server.truncate:  # type: ignore[attr-defined]
            body = body[: len(body) // 2]
            self.close_connection = True
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadingHTTPServer]:
    """An HTTP server on 127.0.0.1 in a thread; tests put archives in server.files."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.files = {}  # type: ignore[attr-defined]
    httpd.truncate = set()  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _serve(server: ThreadingHTTPServer, path: str, body: bytes, truncate: bool = False) -> str:
    server.files[path] = body  # type: ignore[attr-defined]
    if truncate:
        server.truncate.add(path)  # type: ignore[attr-defined]
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def _spec(url: str, sha256: str | None = GOOD_SHA, size: int | None = None) -> ModelSpec:
    return ModelSpec(name=NAME, engine="vosk", language="xx", url=url, size=size, sha256=sha256)


def _leftovers(dest: Path) -> list[str]:
    return sorted(n for n in os.listdir(dest) if n != NAME) if dest.exists() else []


def test_manifest_lists_the_english_model_with_size_and_hash() -> None:
    spec = find_spec(load_manifest(), None)
    assert spec.name == "vosk-model-small-en-us-0.15"
    assert spec.url == "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
    assert spec.size == 41205931
    assert spec.sha256 is not None and len(spec.sha256) == 64


def test_unknown_model_name_lists_the_known_ones() -> None:
    with pytest.raises(ModelMissing, match="vosk-model-small-en-us-0.15"):
        find_spec(load_manifest(), "vosk-model-huge")


def test_fetch_installs_stamps_and_verifies(server: ThreadingHTTPServer, tmp_path: Path) -> None:
    url = _serve(server, "/good.zip", GOOD_ZIP)
    result = fetch_model(_spec(url, size=len(GOOD_ZIP)), tmp_path, progress_out=io.StringIO())
    assert result.path == tmp_path / NAME and result.verified and result.sha256 == GOOD_SHA
    assert (tmp_path / NAME / "am/final.mdl").read_bytes() == MODEL_FILES["am/final.mdl"]
    assert (tmp_path / NAME / STAMP_NAME).is_file()
    assert _leftovers(tmp_path) == []
    assert model_status(tmp_path / NAME).state == "verified"
    assert verify_model(tmp_path / NAME) == []
    again = fetch_model(_spec(url), tmp_path, progress_out=None)
    assert again.already_installed
    (tmp_path / NAME / "graph/Gr.fst").write_bytes(b"grammar graph " * 49 + b"GRAMMAR GRAPH ")
    assert verify_model(tmp_path / NAME) == ["graph/Gr.fst has changed (SHA-256 differs)"]
    (tmp_path / NAME / "README").unlink()
    assert "README is missing" in verify_model(tmp_path / NAME)


def test_checksum_mismatch_installs_nothing(server: ThreadingHTTPServer, tmp_path: Path) -> None:
    url = _serve(
        server, "/tampered.zip", _zip({f"{NAME}/{n}": b"x" + d for n, d in MODEL_FILES.items()})
    )
    with pytest.raises(ModelFetchError, match="SHA-256.*Nothing was installed"):
        fetch_model(_spec(url), tmp_path, progress_out=None)
    assert not (tmp_path / NAME).exists()
    assert _leftovers(tmp_path) == []


def test_truncated_download_installs_nothing(server: ThreadingHTTPServer, tmp_path: Path) -> None:
    url = _serve(server, "/cut.zip", GOOD_ZIP, truncate=True)
    with pytest.raises(ModelFetchError, match="cut short"):
        fetch_model(_spec(url), tmp_path, progress_out=None)
    assert not (tmp_path / NAME).exists()
    assert _leftovers(tmp_path) == []


def test_size_differing_from_manifest_is_refused(
    server: ThreadingHTTPServer, tmp_path: Path
) -> None:
    url = _serve(server, "/good.zip", GOOD_ZIP)
    with pytest.raises(ModelFetchError, match="manifest expects"):
        fetch_model(_spec(url, size=len(GOOD_ZIP) + 1), tmp_path, progress_out=None)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("archive", "why"),
    [
        (_zip({f"{NAME}/am/final.mdl": b"x", "../escaped.txt": b"gotcha"}), "climbs out"),
        (_zip({f"{NAME}/am/final.mdl": b"x", "/tmp/absolute.txt": b"gotcha"}), "absolute path"),
        (
            _tar({f"{NAME}/am/final.mdl": b"x", f"{NAME}/../../escaped.txt": b"gotcha"}),
            "climbs out",
        ),
        (
            _tar({f"{NAME}/am/final.mdl": b"x"}, links={f"{NAME}/conf": "../../etc"}),
            "points outside",
        ),
    ],
)
def test_unsafe_archives_are_refused(
    server: ThreadingHTTPServer, tmp_path: Path, archive: bytes, why: str
) -> None:
    url = _serve(server, f"/unsafe-{hashlib.sha256(archive).hexdigest()[:8]}", archive)
    dest = tmp_path / "models"
    with pytest.raises(ModelFetchError, match=f"unsafe.*{why}"):
        fetch_model(_spec(url, sha256=hashlib.sha256(archive).hexdigest()), dest, progress_out=None)
    assert _leftovers(dest) == [] and not (dest / NAME).exists()
    assert not (tmp_path / "escaped.txt").exists() and not Path("/tmp/absolute.txt").exists()


def test_tar_archive_with_inner_link_installs(server: ThreadingHTTPServer, tmp_path: Path) -> None:
    archive = _tar(
        {f"{NAME}/{n}": d for n, d in MODEL_FILES.items()}, links={f"{NAME}/README.txt": "README"}
    )
    url = _serve(server, "/model.tar.gz", archive)
    fetch_model(_spec(url, sha256=hashlib.sha256(archive).hexdigest()), tmp_path, progress_out=None)
    assert verify_model(tmp_path / NAME) == []


def test_archive_without_a_model_is_refused(server: ThreadingHTTPServer, tmp_path: Path) -> None:
    archive = _zip({"photos/cat.jpg": b"meow"})
    url = _serve(server, "/cat.zip", archive)
    with pytest.raises(ModelFetchError, match="does not hold a vosk model"):
        fetch_model(
            _spec(url, sha256=hashlib.sha256(archive).hexdigest()), tmp_path, progress_out=None
        )
    assert _leftovers(tmp_path) == []


def test_unknown_hash_needs_a_hash_or_explicit_insecurity(
    server: ThreadingHTTPServer, tmp_path: Path
) -> None:
    url = _serve(server, "/good.zip", GOOD_ZIP)
    with pytest.raises(ModelFetchError, match="--sha256 HEX.*--insecure-skip-verify"):
        fetch_model(_spec(url, sha256=None), tmp_path, progress_out=None)
    assert not tmp_path.joinpath(NAME).exists()
    result = fetch_model(
        _spec(url, sha256=None), tmp_path, insecure_skip_verify=True, progress_out=None
    )
    assert not result.verified
    assert model_status(result.path).state == "unverified"


def test_existing_model_is_replaced_only_with_force(
    server: ThreadingHTTPServer, tmp_path: Path
) -> None:
    (tmp_path / NAME).mkdir()
    url = _serve(server, "/good.zip", GOOD_ZIP)
    with pytest.raises(ModelFetchError, match="--force"):
        fetch_model(_spec(url), tmp_path, progress_out=None)
    fetch_model(_spec(url), tmp_path, force=True, progress_out=None)
    assert verify_model(tmp_path / NAME) == []
    assert _leftovers(tmp_path) == []


def test_cli_fetch_list_verify(
    server: ThreadingHTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _serve(server, "/good.zip", GOOD_ZIP)
    # The manifest's model name, a test archive: --url and --sha256 replace URL, size and hash.
    assert (
        main(
            ["models", "fetch", "--url", url, "--sha256", GOOD_SHA.upper(), "--dest", str(tmp_path)]
        )
        == 0
    )
    out, err = capsys.readouterr()
    assert f"SHA-256 {GOOD_SHA}, verified" in out
    assert "vosk-model-small-en-us-0.15" in err  # the progress lines
    assert main(["models", "list", "--dest", str(tmp_path)]) == 0
    assert "vosk-model-small-en-us-0.15  verified" in capsys.readouterr().out
    assert main(["models", "verify", "--dest", str(tmp_path)]) == 0
    assert "vosk-model-small-en-us-0.15: OK" in capsys.readouterr().out
    (tmp_path / "vosk-model-small-en-us-0.15/am/final.mdl").write_bytes(b"rotten")
    assert main(["models", "verify", "--dest", str(tmp_path)]) == 1
    assert "am/final.mdl has" in capsys.readouterr().out


def test_cli_fetch_failure_is_one_message(
    server: ThreadingHTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _serve(server, "/good.zip", GOOD_ZIP)
    assert (
        main(["models", "fetch", "--url", url, "--sha256", "0" * 64, "--dest", str(tmp_path)]) == 2
    )
    err = capsys.readouterr().err
    assert "voice-helper: The download of" in err and "Traceback" not in err
    assert os.listdir(tmp_path) == []
