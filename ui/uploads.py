"""Where an uploaded file may be written: a sanitised name directly inside the uploads dir, or nothing; and
whether it may be written at all: only what ingest would read (`Library.check_upload`, ingest's own checks).

Browsers send a bare file name, but nothing stops a client from sending "../../x.md" or "/etc/passwd":
such names are refused outright (not silently rewritten), so a learner sees why. Accepted names keep
letters of any script (我的路线图.md stays 我的路线图.md), digits, "_", "-", ".", and spaces; anything
else becomes "_".
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

from studygraph import Library

ALLOWED_SUFFIXES = tuple(Library.upload_limits().suffixes)  # the kinds ingest reads
MAX_NAME = 120
_UNSAFE = re.compile(r"[^\w.\- \u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def safe_upload_path(uploads_dir: Path, filename: str) -> Path:
    """The path to save an upload named `filename` under; ValueError (with a reason) when it is unsafe."""
    if not isinstance(filename, str) or not filename.strip():
        raise ValueError("empty file name")
    if any(unicodedata.category(ch) == "Cc" for ch in filename):
        raise ValueError("file name contains control characters (NUL, newline, ...)")
    name = unicodedata.normalize("NFC", filename.strip())
    if (
        PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).is_absolute()
        or PureWindowsPath(name).drive
        or name.startswith(("/", "\\", "~"))
    ):
        raise ValueError(f"absolute paths are not allowed: {filename!r}")
    parts = [p for p in re.split(r"[/\\]", name)]
    if any(p.strip() == ".." for p in parts):
        raise ValueError(f"'..' is not allowed in a file name: {filename!r}")
    base = parts[-1].strip()
    suffix = Path(base).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValueError(
            f"only {', '.join(ALLOWED_SUFFIXES)} files can be uploaded, not {suffix or 'a file without extension'}"
        )
    stem = base[: -len(suffix)]
    stem = _UNSAFE.sub("_", stem)
    stem = re.sub(r"_+", "_", stem).strip(" ._")[:MAX_NAME].strip(" ._")
    if not stem:
        raise ValueError(f"no usable characters left in the file name {filename!r}")
    root = Path(uploads_dir).resolve()
    target = (root / f"{stem}{suffix}").resolve()
    if target.parent != root:
        raise ValueError(f"{filename!r} would be saved outside the uploads folder")
    return target


def save_upload(uploads_dir: Path, filename: str, data: bytes) -> Path:
    """Write an upload under its sanitised name (atomically: a half-written file is never ingested) once
    ingest's own checks pass; ValueError with the reason otherwise, and nothing is written."""
    target = safe_upload_path(uploads_dir, filename)
    problem = Library.check_upload(target.name, data)
    if problem:
        raise ValueError(problem)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")  # a dot file: ingest never reads it
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target
