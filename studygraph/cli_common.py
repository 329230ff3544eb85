"""What every `studygraph` command shares (cli.py and review_cli.py): the --json and --data-dir options, the
Library they open, and printing a result as JSON or in words. Its own module so that review_cli.py need not
import cli.py, which registers it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from studygraph.library import Library

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
DataDirOpt = Annotated[
    Optional[Path], typer.Option("--data-dir", help="Data dir (default: STUDYGRAPH_DATA_DIR or a per-user dir).")
]


def open_library(data_dir: Path | None, **settings) -> Library:
    return Library.open(data_dir, **settings)


def emit(as_json: bool, data, human) -> None:
    """`data` as one JSON line on stdout with --json, else `human()` prints it in words."""
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=None) + "\n")
    else:
        human()
