"""Model files checked against pinned SHA-256 hashes before their first use in a process.

A packaged model's files are trusted only for the exact bytes we pinned: a file that was damaged or swapped
after `pip install` is refused in one line naming it and the reinstall that fixes it. The hash is computed
once per process for each (path, size, mtime); a file changed since is hashed again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from pathlib import Path

from studygraph.errors import ModelUnavailable

_verified: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> hash: once per process
_lock = threading.Lock()


def package_dir(module: str) -> Path | None:
    """The folder of the installed package `module`, found without importing (running) it; None if absent."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def verified(path: Path, sha256: str, package: str) -> Path:
    """`path` if its bytes hash to `sha256`, else ModelUnavailable naming the file and the fix
    (`pip install --force-reinstall <package>`)."""
    try:
        st = path.stat()
    except OSError:
        raise ModelUnavailable(f"{path} is missing: pip install --force-reinstall {package}") from None
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _lock:
        if _verified.get(key) == sha256:
            return path
        with path.open("rb") as f:
            got = hashlib.file_digest(f, "sha256").hexdigest()
        if got != sha256:
            raise ModelUnavailable(
                f"{path} is not the pinned file (SHA-256 {got[:16]}..., expected {sha256[:16]}...): "
                f"refusing to load it; pip install --force-reinstall {package}"
            )
        _verified[key] = got
    return path
