"""Finding and reading corpus files safely: one bad file becomes an error line, never a stopped ingest."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from studygraph.config import REPO_ROOT
from studygraph.models import ParseError

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".txt"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED = MARKDOWN_SUFFIXES | PDF_SUFFIXES
MAX_MARKDOWN_BYTES = 5 * 1024 * 1024  # the largest real roadmap we know is ~100 KB
MAX_PDF_BYTES = 60 * 1024 * 1024


class FileProblem(ValueError):
    """A reason to skip one file, with the line it was found at when there is one."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass
class CorpusFile:
    path: Path  # resolved absolute path: the file's identity in the store
    root: Path  # the corpus root it was found under (or its own folder)
    display: str  # what users see in sources: relative to the repo or the data dir when possible

    @property
    def is_pdf(self) -> bool:
        return self.path.suffix.lower() in PDF_SUFFIXES


def display_path(path: Path, data_dir: Path | None = None) -> str:
    for base in (REPO_ROOT, data_dir):
        if base is None:
            continue
        try:
            return str(path.relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def discover(roots: list[Path], data_dir: Path | None = None) -> tuple[list[CorpusFile], list[ParseError]]:
    """Supported files under each root (a root may be a single file), sorted, with errors for odd entries.

    Symlinked directories are not followed (a link loop must not hang an ingest); a symlinked file is read
    only when it resolves inside one of the roots.
    """
    found: dict[Path, CorpusFile] = {}
    errors: list[ParseError] = []
    resolved_roots = [r.resolve() for r in roots if r.exists()]
    for root in roots:
        if not root.exists():
            errors.append(ParseError(str(root), None, "no such file or directory"))
            continue
        if root.is_file():
            path = root.resolve()
            if path.suffix.lower() not in SUPPORTED:
                errors.append(ParseError(str(root), None, f"unsupported file type {path.suffix or '(none)'}: use .md or .pdf"))
                continue
            found.setdefault(path, CorpusFile(path, path.parent, display_path(path, data_dir)))
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                candidate = Path(dirpath) / name
                if candidate.suffix.lower() not in SUPPORTED:
                    continue
                try:
                    path = candidate.resolve(strict=True)
                except (OSError, RuntimeError) as exc:  # dangling link or a link loop
                    errors.append(ParseError(str(candidate), None, f"cannot resolve link: {exc.__class__.__name__}"))
                    continue
                if candidate.is_symlink() and not any(path.is_relative_to(r) for r in resolved_roots):
                    errors.append(ParseError(str(candidate), None, "symlink points outside the corpus: skipped"))
                    continue
                if not path.is_file():
                    continue
                found.setdefault(path, CorpusFile(path, root.resolve(), display_path(path, data_dir)))
    return sorted(found.values(), key=lambda f: f.display), errors


def read_bytes(file: CorpusFile) -> bytes:
    limit = MAX_PDF_BYTES if file.is_pdf else MAX_MARKDOWN_BYTES
    size = file.path.stat().st_size
    if size > limit:
        raise FileProblem(f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit for this kind")
    return file.path.read_bytes()


def decode_markdown(data: bytes) -> str:
    """UTF-8 text, or a FileProblem that names the line of the first bad byte."""
    if b"\x00" in data[:8192]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise FileProblem("binary data (NUL byte) in a text file: is this really markdown?", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8", line) from None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
