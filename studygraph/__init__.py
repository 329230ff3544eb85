"""studygraph: an offline study assistant for NLP and LLMs. The public API is `Library`:

    from studygraph import Library
    lib = Library.open()
    lib.plan("RLHF")

Importing the package is cheap: `Library` (and its modules) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studygraph.library import Library

__all__ = ["Library"]


def __getattr__(name: str):
    # Every `import studygraph.<anything>` runs this file first: importing the library here would load the
    # graph stack (networkx, the store) for `studygraph.config` or `studygraph.models` alone.
    if name == "Library":
        from studygraph.library import Library

        return Library
    raise AttributeError(f"module 'studygraph' has no attribute {name!r}")
