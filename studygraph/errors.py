"""Every error studygraph raises on purpose. Its message is one line a learner can act on (it names the
file, the line, the setting or the command to run), so the CLI and the app show it as it is; anything
that is not a StudygraphError is a bug, shown with its type.

The modules that raise these import them from here (and so can be imported from either place).
"""

from __future__ import annotations


class StudygraphError(Exception):
    """The base: `str(error)` is what the learner sees."""


class DataDirError(StudygraphError, RuntimeError):
    """The data dir cannot be used as asked (read-only for a write, not a directory, ...)."""


class SchemaError(StudygraphError, RuntimeError):
    """A metadata store from another version of studygraph: refused untouched, with what to do."""


class VectorStoreError(StudygraphError, RuntimeError):
    """The vector store cannot be opened; the message names it and says what to do."""


class IngestBusy(StudygraphError, RuntimeError):
    """Another ingest holds the data dir's writer lock (store/lock.py) and did not finish in time."""


class CatalogueError(StudygraphError, ValueError):
    """The topic catalogue cannot be used; the message names the file and topic."""


class FileProblem(StudygraphError, ValueError):
    """A reason to skip one corpus file, with the line it was found at when there is one."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class LLMError(StudygraphError, RuntimeError):
    """Generation or loading failed; the assistant answers deterministically and says why."""


class WorkerCrash(LLMError):
    """The model's worker process died of a native crash (`signal` is its name, e.g. SIGSEGV)."""

    def __init__(self, message: str, signal_name: str):
        super().__init__(message)
        self.signal = signal_name


class ModelUnavailable(StudygraphError, RuntimeError):
    """A packaged model is not installed, or its bytes are not the pinned ones."""


class CliError(StudygraphError):
    """A command cannot do what was asked; `code` is its exit status."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code
