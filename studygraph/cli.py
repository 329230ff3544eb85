"""The `studygraph` command: parse, call `Library` (studygraph/library.py), print. Every command takes
--json (the result's `to_dict()`) and --data-dir (or STUDYGRAPH_DATA_DIR).

Library loads the heavy parts only where a command needs them: resolve, path, next, graph, why, mark,
library, stats and review never import torch, Chroma or llama.cpp, so they answer in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from studygraph.cli_common import DataDirOpt, JsonOpt
from studygraph.cli_common import emit as _emit  # the names every command here (and in review_cli.py) calls
from studygraph.cli_common import open_library as _lib
from studygraph.errors import CliError, StudygraphError
from studygraph.library import shown
from studygraph.mcp_server import serve as serve_mcp
from studygraph.review_cli import review_app

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="studygraph: an offline study assistant for NLP and LLMs."
)

KnownOpt = Annotated[
    Optional[str], typer.Option("--known", help="Comma-separated topics you already know (names or ids).")
]


def _query(value: str) -> str:
    if not value.strip():
        raise typer.BadParameter("is empty: say what to search for")
    return value


CountOpt = Annotated[int, typer.Option("-k", min=1, help="How many results (1 or more).")]


def _names(known: str | None) -> list[str]:
    return [k.strip() for k in (known or "").split(",") if k.strip()]


def _learned_note(topic) -> str:
    """ " [learned from file:line]" after a topic a roadmap taught the map (graph/learned.py)."""
    return f" [learned from {topic.file}]" if topic.learned else ""


def both_names(topic) -> str:
    """ "name / zh", or just the name where there is one."""
    zh = getattr(topic, "zh", "") or ""
    return f"{topic.name} / {zh}" if zh and zh != topic.name else topic.name


@app.command()
def ingest(
    paths: Annotated[
        Optional[list[Path]], typer.Argument(help="Files or folders; default: the default corpus and uploads.")
    ] = None,
    fetch: Annotated[
        bool,
        typer.Option(
            "--fetch",
            help="Also fetch each linked page (HTML, PDF, arXiv abstract) once, so search knows what a link is "
            "about; later fetches only ask whether a page changed. Without it ingest never uses the network.",
        ),
    ] = False,
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Ingest roadmaps (markdown) and papers (PDF) incrementally.

    Example: studygraph ingest

    Example: studygraph ingest ~/notes/roadmap.md papers/ --json

    Example: studygraph ingest --fetch
    """
    lib = _lib(data_dir)

    def waiting(message: str) -> None:
        typer.echo(message, err=True)

    if as_json or not sys.stderr.isatty():
        result = lib.ingest(paths or None, fetch=fetch, on_wait=waiting)
    else:
        # rich's progress bar (~16 ms) only for an ingest on a terminal: the other commands never draw one.
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("ingest", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            result = lib.ingest(paths or None, fetch=fetch, progress=progress, on_wait=waiting)
    report, held = result.report, result.held_back
    for repair in report.repairs:  # on stderr with --json too: damage repaired is worth a line either way
        typer.echo(f"warning: {repair}", err=True)
    out = result.to_dict()
    out.pop("file_status") if as_json and len(out["file_status"]) > 200 else None

    def human() -> None:
        typer.echo(
            f"{report.files} files: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.removed} removed; {report.resources} resources, {report.chunks} chunks, {report.topics} topics"
            + (f" ({report.learned_topics} learned from your roadmaps)" if report.learned_topics else "")
            + f", {report.edges} edges ({report.seconds}s)"
        )
        if report.fetch is not None:
            f = report.fetch
            typer.echo(
                f"pages: {f['fetched']} fetched, {f['cached']} unchanged, {f['failed']} failed, {f['skipped']} skipped "
                f"({f['seconds']}s); {report.pages} resources carry their page's text"
            )
            for failure in f["failures"]:
                typer.echo(f"warning: {failure['url']}: {failure['reason']}", err=True)
        if held:
            typer.echo(
                f"warning: {len(held)} links held back, their lines address a model (prompt injection): "
                + ", ".join(held[:5])
                + (", ..." if len(held) > 5 else "")
                + "; see `studygraph library`",
                err=True,
            )
        for e in report.errors:
            typer.echo(f"error: {e['file']}:{e['line'] or '-'}: {e['message']}", err=True)

    _emit(as_json, out, human)
    if report.errors:
        raise typer.Exit(1)


@app.command()
def resolve(
    names: Annotated[list[str], typer.Argument(help="Words naming a topic, in any language.")],
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Map free text to catalogue topics.

    Example: studygraph resolve "self attention" 强化学习
    """
    lib = _lib(data_dir)
    results = [lib.resolve(name) for name in names]
    data = results[0].to_dict() if len(names) == 1 else [r.to_dict() for r in results]
    if not as_json:  # the lines stay query, id, name, score; what was corrected goes beside them
        for r in results:
            _note(r.corrected["notice"] if r.corrected else None)
    _emit(
        as_json,
        data,
        lambda: [typer.echo(f"{r.query}\t{r.id or '-'}\t{r.name or ''}\t{r.score}") for r in results],
    )
    if len(names) == 1 and results[0].id is None:
        if not as_json:
            typer.echo(f"error: no topic matches {shown(names[0])}", err=True)
        raise typer.Exit(1)


@app.command()
def path(
    goal: str,
    known: KnownOpt = None,
    hours_per_week: Annotated[
        Optional[float], typer.Option("--hours-per-week", help="Split the plan into dated weeks of N hours.")
    ] = None,
    start: Annotated[Optional[str], typer.Option("--start", help="First day of week 1 (YYYY-MM-DD; today).")] = None,
    ics: Annotated[Optional[Path], typer.Option("--ics", help="Write the weeks' study blocks as an .ics file.")] = None,
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """A learning plan: every prerequisite of GOAL in learning order, minus what you know.

    Example: studygraph path RLHF

    Example: studygraph path "instruction tuning" --known "neural networks,transformer"

    Example: studygraph path RAG --known "deep learning"  (a whole area: every deep-learning topic)

    Example: studygraph path RLHF --hours-per-week 6 --start 2026-12-07 --ics rlhf.ics
    """
    first = _week_options(hours_per_week, start, ics)
    lib = _lib(data_dir)
    result = lib.plan(goal, _names(known), hours_per_week=hours_per_week, start=first)
    if ics:
        result.ics = str(ics)
        try:
            ics.write_bytes(lib.plan_ics(result))
        except OSError as exc:
            raise CliError(f"cannot write {ics}: {exc.strerror or exc}") from None
    plan = result.plan

    def human() -> None:
        if result.corrected:
            typer.echo(result.corrected["notice"])
        _known_notices(result.known_corrected)
        typer.echo(f"Plan for {both_names(plan.goal)}{_learned_note(plan.goal)}, about {plan.hours} h:")
        for i, s in enumerate(plan.steps, 1):
            typer.echo(f"{i:2}. {both_names(s.topic)}{_learned_note(s.topic)}  [{s.hours} h]  — {s.why}")
            for r in s.resources:
                typer.echo(f"      {r.kind:8} {r.title}  {r.url or '(no link)'}")
        for w in result.week_objects if result.weeks is not None else ():
            typer.echo(f"week {w.number} ({w.start} – {w.end}, {w.hours:g} h):")
            for b in w.steps:
                part = f" ({b.part}/{b.parts})" if b.parts > 1 else ""
                typer.echo(f"    {b.start:%a %m-%d}–{b.end:%a %m-%d}  {b.name}{part}  [{b.hours:g} h]")
        if ics:
            typer.echo(f"wrote {sum(len(w.steps) for w in result.week_objects)} study blocks to {ics}")

    _emit(as_json, result.to_dict(), human)


def _week_options(hours_per_week: float | None, start: str | None, ics: Path | None):
    """Check --hours-per-week/--start/--ics before any work; the first day of week 1 (None: no weeks)."""
    if hours_per_week is None:
        if start or ics:
            raise CliError("--start and --ics need --hours-per-week N")
        return None
    if not 0 < hours_per_week <= 7 * 24:
        raise CliError(f"--hours-per-week must be more than 0 and at most 168, not {hours_per_week:g}")
    try:
        return dt.date.fromisoformat(start) if start else dt.date.today()
    except ValueError:
        raise CliError(f"--start must be a date like 2026-12-07, not {start!r}") from None


@app.command("next")
def next_(
    known: KnownOpt = None,
    k: CountOpt = 5,
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """What to learn next: frontier topics ranked by what they unlock and what you are doing.

    Example: studygraph next --known "linear algebra,probability" -k 3
    """
    lib = _lib(data_dir)
    result = lib.next(_names(known), k)
    topics = lib.catalogue.topics

    def human() -> None:
        _known_notices(result.corrected)
        for n in result.topics:
            typer.echo(f"{both_names(n)}{_learned_note(topics[n.id])} ({n.score}): {n.why}")

    _emit(as_json, result.to_dict(), human)


def _known_notices(corrected: list[dict]) -> None:
    """What was corrected in --known, said as what it was read as: the results are not "for" a known name."""
    for fixed in corrected:
        typer.echo(f"--known: “{fixed['typed']}” read as “{fixed['text']}”.")


@app.command()
def why(source: str, target: str, as_json: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Explain why SOURCE comes before TARGET: the path and each edge's evidence.

    Example: studygraph why attention RLHF
    """
    result = _lib(data_dir).why(source, target)

    def human() -> None:
        for fixed in result.corrected:
            typer.echo(fixed["notice"])
        if not result.path:
            typer.echo(
                f"{result.source} is not a prerequisite of {result.target}"
                + (" (it is the other way round)" if result.reverse else "")
            )
        elif not result.required:
            typer.echo(
                f"{result.source} is not a prerequisite of {result.target}: no plan requires this order, "
                "which only weaker edges keep"
            )
        for e in result.edges:
            typer.echo(f"{e.source} -> {e.target} ({e.kind}, {e.weight}):")
            for ev in e.evidence[:4]:
                typer.echo(f"    {ev}")

    _emit(as_json, result.to_dict(), human)


@app.command()
def graph(as_json: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """The whole prerequisite graph (source -> target: source is a prerequisite of target).

    Example: studygraph graph --json
    """
    result = _lib(data_dir).topic_graph()
    _emit(
        as_json,
        result.to_dict(),
        lambda: typer.echo(f"{len(result.nodes)} topics, {len(result.edges)} edges; use --json for the whole graph"),
    )


@app.command()
def mark(
    items: Annotated[list[str], typer.Argument(help="Topics (names or ids) or resource ids/URLs.")],
    status: Annotated[str, typer.Option("--status", help="done | learning | skipped | todo")] = "done",
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record progress on topics or resources; it survives every re-ingest.

    Example: studygraph mark transformer

    Example: studygraph mark https://jalammar.github.io/illustrated-transformer/ --status learning
    """
    result = _lib(data_dir).mark(items, status)

    def human() -> None:
        for fixed in result.corrected:
            typer.echo(fixed["notice"])
        typer.echo(f"marked {', '.join(result.marked)} as {result.status}")

    _emit(as_json, result.to_dict(), human)


@app.command()
def library(as_json: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every resource with kind, topics, sources and status; those held back by the prompt-injection
    quarantine last, with status "quarantined" and the file:line to look at.

    Example: studygraph library --json
    """
    rows = _lib(data_dir).resources()
    _emit(
        as_json,
        [r.to_dict() for r in rows],
        lambda: [
            typer.echo(
                f"{r.kind:8} {r.status:5} {r.title}  {r.url or '(no link)'}"
                + (
                    f"  (held back: it addresses a model; {r.sources[0].file}:{r.sources[0].line})"
                    if r.quarantined and r.sources
                    else ""
                )
            )
            for r in rows
        ],
    )


@app.command()
def remove(
    path: Annotated[str, typer.Argument(help="The file as `library` names it in sources, its path, or its name.")],
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Remove one file from the library: the resources only it lists, their chunks and vectors, the topics
    learned from it and its graph evidence. The data dir's copy of an upload is deleted; a file in your own
    roadmap folder stays on disk, and the next ingest of that folder adds it again.

    Example: studygraph remove corpus/my-roadmap.md

    Example: studygraph remove ~/notes/old-roadmap.md --json
    """
    result = _lib(data_dir).remove(path, on_wait=lambda message: typer.echo(message, err=True))

    def human() -> None:
        if not result.in_library:
            typer.echo(f"deleted {result.file} (it was never in the library: ingest refused it)")
            return
        typer.echo(
            f"removed {result.file}: {len(result.resources_removed)} resources, {result.chunks_removed} chunks"
            + (f", {result.quarantined_removed} held-back links" if result.quarantined_removed else "")
            + (f", learned topics {', '.join(result.learned_topics_removed)}" if result.learned_topics_removed else "")
            + (f"; {result.resources_kept} resources stay (other files list them)" if result.resources_kept else "")
            + f" ({result.seconds}s)"
        )
        if result.marks_kept:
            typer.echo(f"kept {len(result.marks_kept)} progress marks: they count again if the links come back")

    if result.returns_with:  # on stderr with --json too, like ingest's warnings
        typer.echo(
            f"note: {result.file} is still in {result.returns_with} on disk: the next ingest adds it again; "
            "move or delete it there to keep it out",
            err=True,
        )
    _emit(as_json, result.to_dict(), human)


@app.command()
def stats(as_json: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Counts of files, resources, chunks, topics, edges.

    Example: studygraph stats
    """
    data = _lib(data_dir).stats().to_dict()
    _emit(as_json, data, lambda: [typer.echo(f"{k}: {v}") for k, v in data.items()])


@app.command()
def search(
    query: Annotated[str, typer.Argument(callback=_query)],
    k: CountOpt = 10,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only this kind (paper, video, ...).")] = None,
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Hybrid search over the library (dense + BM25), one result per resource.

    Example: studygraph search "attention explained" -k 5

    Example: studygraph search 注意力机制 --kind video
    """
    lib = _lib(data_dir)
    hits = lib.search(query, k=k, kind=kind)
    _warn(hits.warning)  # stderr in both modes: --json stays the list of results
    _note(hits.corrected["notice"] if hits.corrected else None)  # the typos it searched corrected (the same reason)
    if hits and not any(h.matched for h in hits):  # still the ranking (a near miss may be in it), said as such
        typer.echo(f"nothing in the library matches “{query}”: the nearest results, none an answer", err=True)
    _emit(
        as_json,
        [h.to_dict() for h in hits],
        lambda: [
            typer.echo(
                f"{h.score:.3f} {h.kind:8} {h.title}  {h.url or '(no link)'}{'' if h.matched else '  (no match)'}"
            )
            for h in hits
        ],
    )


@app.command()
def ask(
    question: str,
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
    no_llm: Annotated[bool, typer.Option("--no-llm", help="Deterministic answer, no model.")] = False,
) -> None:
    """Ask in English or Chinese: plans, what next, find, explain, quiz.

    Example: studygraph ask "学 RLHF 之前要学什么"

    Example: studygraph ask "where is a good explanation of attention?" --json
    """
    lib = _lib(data_dir, llm_backend="none" if no_llm else None)
    if as_json:
        result = lib.ask(question)
        _warn(result.warning)
        _emit(True, result.to_dict(), None)
        return
    _, tokens = lib.ask_stream(question)
    for piece in tokens:
        typer.echo(piece, nl=False)
    typer.echo("")
    _warn(lib.search_warning)


@app.command()
def mcp(data_dir: DataDirOpt = None) -> None:
    """Serve the library to MCP clients (Claude Desktop, IDEs, agents) over stdio: tools plan, next, why,
    search, ask and mark. Needs the `mcp` extra.

    Example: studygraph mcp --data-dir ~/studygraph-data
    """
    serve_mcp(_lib(data_dir))


def _note(notice: str | None) -> None:
    if notice:
        typer.echo(notice, err=True)


def _warn(warning: str | None) -> None:
    """One line on stderr. The library's own logging of the same warning is silenced in main()."""
    if warning:
        typer.echo(f"warning: {warning}", err=True)


app.add_typer(review_app, name="review")


def main() -> None:
    # Warnings reach the learner as the commands' own `warning:` lines, not a second time through logging.
    logging.getLogger("studygraph").addHandler(logging.NullHandler())
    try:
        # Without standalone mode click returns a command's exit status (typer.Exit) instead of exiting.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except CliError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    except typer.TyperException as exc:  # a usage error: one line, like every other error (--help has the usage)
        ctx = getattr(exc, "ctx", None)
        where = f"{ctx.command_path}: " if ctx is not None else ""
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        typer.echo(f"error: {where}{' '.join(message.split())}", err=True)
        sys.exit(getattr(exc, "exit_code", 2))
    except Exception as exc:  # noqa: BLE001 - one line, not a stack trace: the message names the file/line where we know it
        typer.echo(f"error: {describe_error(exc)}", err=True)
        sys.exit(2)


def describe_error(exc: BaseException) -> str:
    """One line a learner can act on. Our own errors already name the file; OS-level write failures
    (disk full, file too large) get the advice that matters: the last complete library is intact."""
    text = " ".join(str(exc).split())
    full = (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)) or any(
        sign in text for sign in ("disk is full", "disk I/O error", "No space left", "File too large")
    )
    if full:
        return (
            f"could not write the data dir ({text}): free some space and run the command again; "
            "the last complete library is unchanged"
        )
    if isinstance(exc, (StudygraphError, FileNotFoundError)):  # ours say what to do; a missing file names itself
        return text
    return f"{exc.__class__.__name__}: {text}"


if __name__ == "__main__":
    main()
