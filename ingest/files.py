"""Finding and reading corpus files safely: one bad file becomes an error line, never a stopped ingest."""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from studygraph.config import REPO_ROOT
from studygraph.errors import FileProblem
from studygraph.models import ParseError

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".txt"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED = MARKDOWN_SUFFIXES | PDF_SUFFIXES
MB = 1024 * 1024  # the unit of the limits, as Streamlit's uploader counts them (`max_upload_size`)
MAX_MARKDOWN_BYTES = 5 * MB  # the largest real roadmap we know is ~100 KB
MAX_PDF_BYTES = 60 * MB


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


def printable(path: Path | str) -> str:
    """A path as text that can be printed and stored: undecodable bytes of a file name become '\\xe9'."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _name_problem(path: Path) -> str | None:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8: rename the file"
    return None


def discover(roots: list[Path], data_dir: Path | None = None) -> tuple[list[CorpusFile], list[ParseError]]:
    """Supported files under each root (a root may be a single file), sorted, with errors for odd entries.

    Symlinked directories are not followed (a link loop must not hang an ingest) and are reported; a symlinked
    file is read only when it resolves inside one of the roots. A file whose name is not valid UTF-8 is
    reported and skipped (it could not be stored or printed).
    """
    found: dict[Path, CorpusFile] = {}
    errors: list[ParseError] = []
    resolved_roots = [r.resolve() for r in roots if r.exists()]
    for root in roots:
        if not root.exists():
            errors.append(ParseError(printable(root), None, "no such file or directory"))
            continue
        if root.is_file():
            path = root.resolve()
            if path.suffix.lower() not in SUPPORTED:
                errors.append(
                    ParseError(
                        printable(root), None, f"unsupported file type {path.suffix or '(none)'}: use .md or .pdf"
                    )
                )
                continue
            if problem := _name_problem(path):
                errors.append(ParseError(printable(root), None, problem))
                continue
            found.setdefault(path, CorpusFile(path, path.parent, display_path(path, data_dir)))
            continue

        def walk_error(exc: OSError) -> None:
            where = printable(display_path(Path(exc.filename or root), data_dir))
            errors.append(ParseError(where, None, f"cannot read folder: {exc.strerror or exc}"))

        for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=walk_error):
            kept = []
            for d in sorted(dirnames):
                if d.startswith("."):
                    continue
                sub = Path(dirpath) / d
                if sub.is_symlink():  # never followed: a link loop must not hang (or multiply) an ingest
                    errors.append(
                        ParseError(printable(display_path(sub, data_dir)), None, _link_problem(sub, folder=True))
                    )
                    continue
                kept.append(d)
            dirnames[:] = kept
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                candidate = Path(dirpath) / name
                if candidate.suffix.lower() not in SUPPORTED:
                    continue
                shown = printable(display_path(candidate, data_dir))
                if problem := _name_problem(candidate):
                    errors.append(ParseError(shown, None, problem))
                    continue
                try:
                    path = candidate.resolve(strict=True)
                except (OSError, RuntimeError):  # dangling link or a link loop
                    errors.append(ParseError(shown, None, _link_problem(candidate)))
                    continue
                if candidate.is_symlink() and not any(path.is_relative_to(r) for r in resolved_roots):
                    errors.append(ParseError(shown, None, "symlink points outside the corpus: skipped"))
                    continue
                if not path.is_file():
                    continue
                found.setdefault(path, CorpusFile(path, root.resolve(), display_path(path, data_dir)))
    return sorted(found.values(), key=lambda f: f.display), errors


def _link_problem(link: Path, folder: bool = False) -> str:
    """Why a symlink is skipped, in words: a loop, a dangling link, or (for folders) our policy."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 raises RuntimeError for a loop
        return "symlink loop: skipped"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop: skipped"
        return "broken symlink (its target does not exist): skipped"
    if folder:
        if any(target == p for p in link.absolute().parents):
            return "symlink loop (the link points at a folder that contains it): skipped"
        return "symlinked folder is not followed: add its target as a corpus folder instead"
    return "symlink cannot be read: skipped"


def size_limit(name: str | Path) -> int:
    """The largest file of this kind ingest reads (bytes): the app's uploader advertises the same."""
    return MAX_PDF_BYTES if Path(name).suffix.lower() in PDF_SUFFIXES else MAX_MARKDOWN_BYTES


def check_size(name: str | Path, size: int) -> None:
    """FileProblem when a file of `size` bytes is over its kind's limit."""
    limit = size_limit(name)
    if size > limit:
        kind = "PDF" if Path(name).suffix.lower() in PDF_SUFFIXES else "markdown"
        raise FileProblem(f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit for {kind} files")


def read_bytes(file: CorpusFile) -> bytes:
    check_size(file.path, file.path.stat().st_size)  # before reading: a 2 GB file is never loaded
    return file.path.read_bytes()


def decode_markdown(data: bytes) -> str:
    """UTF-8 text (or UTF-16 with a byte-order mark, as Windows editors save it), or a FileProblem that
    names the line of the first bad byte."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileProblem(f"not valid UTF-16 at byte {exc.start}: save the file as UTF-8") from None
    nul = data.find(b"\x00")  # the whole file: memchr over 2 MB is microseconds, and a NUL past the start is as binary
    if nul != -1:
        line = data[:nul].count(b"\n") + 1
        raise FileProblem("binary data (NUL byte) in a text file: is this really markdown?", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8", line) from None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
