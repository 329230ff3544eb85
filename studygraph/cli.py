"""The `studygraph` command. Every command takes --json and --data-dir (or STUDYGRAPH_DATA_DIR).

Heavy parts are imported inside the commands that need them: resolve, path, next, graph, why and mark
never import torch, Chroma or llama.cpp, so they answer in a fraction of a second.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from studygraph.errors import CliError, StudygraphError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="studygraph: an offline study assistant for NLP and LLMs."
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
DataDirOpt = Annotated[
    Optional[Path], typer.Option("--data-dir", help="Data dir (default: STUDYGRAPH_DATA_DIR or a per-user dir).")
]
KnownOpt = Annotated[
    Optional[str], typer.Option("--known", help="Comma-separated topics you already know (names or ids).")
]
ECHO_CHARS = 80  # of a user's input quoted back in an error: a 100 KB goal name is not worth printing


def shown(text: str, limit: int = ECHO_CHARS) -> str:
    """User input as an error message quotes it: one line, cut to `limit` characters with an ellipsis."""
    flat = " ".join(str(text).split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def _query(value: str) -> str:
    if not value.strip():
        raise typer.BadParameter("is empty: say what to search for")
    return value


CountOpt = Annotated[int, typer.Option("-k", min=1, help="How many results (1 or more).")]


def _settings(data_dir: Path | None):
    from studygraph.config import load_settings

    return load_settings(data_dir=data_dir)


def _emit(as_json: bool, data, human) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=None) + "\n")
    else:
        human()


def _open_graph(settings):
    """The graph of the catalogue, and of the library when there is one (path, next, why and graph answer
    from the catalogue alone before the first ingest)."""
    from studygraph.graph.build import build_graph
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.store.meta import MetaStore

    catalogue = load_catalogue()
    meta = MetaStore(settings.meta_path, readonly=True) if settings.meta_path.exists() else None
    return build_graph(catalogue, meta), meta


def _open_library(settings, readonly: bool = True):
    """The library's store, or the one-line error every command that needs a library gives without one
    (never a store created empty by asking: `mark` before any ingest must not make one)."""
    from studygraph.store.meta import MetaStore

    missing = CliError(f"no library in {settings.data_dir} yet: run `studygraph ingest` first", 1)
    if not settings.meta_path.is_file():
        raise missing
    meta = MetaStore(settings.meta_path, readonly=readonly)
    if meta.get_meta("ingested_at") is None:  # a first ingest that never committed
        meta.close()
        raise missing
    return meta


def _held_back(settings) -> list[str]:
    """Where the library's quarantined resources were seen ("file:line"), for the ingest report."""
    from studygraph.store.meta import MetaStore

    if not settings.meta_path.is_file():
        return []
    meta = MetaStore(settings.meta_path, readonly=True)
    try:
        seen = sorted((r.sources[0].file, r.sources[0].line) for r in meta.quarantined() if r.sources)
        return [f"{file}:{line}" for file, line in seen]
    finally:
        meta.close()


def _open_catalogue(settings, meta=None):
    """The curated catalogue plus the topics learned from the library (no graph built: resolve stays quick)."""
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.graph.learned import library_catalogue
    from studygraph.store.meta import MetaStore

    if meta is None and settings.meta_path.exists():
        meta = MetaStore(settings.meta_path, readonly=True)
    return library_catalogue(load_catalogue(), meta)


def _learned_note(topic) -> str:
    from studygraph.graph.learned import seen_at

    return f" [learned from {seen_at(topic)}]" if topic.learned else ""


def _resolve_or_fail(resolver, name: str) -> str:
    """A topic id for `name`, or exit 1 naming the closest topics: a near miss is never used silently."""
    hit = resolver.resolve(name)
    if hit is not None and hit.confident:
        return hit.id
    closest = ", ".join(f"{n} ({t})" for t, n in resolver.closest_to(name, hit))
    if hit is None:
        raise CliError(f"no topic matches {shown(name)}; closest: {closest}; try `studygraph graph` to list topics", 1)
    raise CliError(f"{shown(name)} is not in the topic map; closest: {closest}", 1)


def _known(tg, meta, resolver, known: str | None) -> tuple[set[str], set[str]]:
    from studygraph.graph.plan import known_topics

    done, learning = known_topics(tg, meta) if meta else (set(), set())
    for name in filter(None, (k.strip() for k in (known or "").split(","))):
        done.add(_resolve_or_fail(resolver, name))
    return done, learning


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
    from studygraph.ingest.pipeline import ingest as run_ingest

    settings = _settings(data_dir)
    # A path that is not there is an error naming it (the pipeline reports it per path); when no given
    # path exists there is nothing to ingest, and the library is left as it is.
    if paths and not any(p.exists() or p.is_symlink() for p in paths):
        raise CliError("no such file or directory: " + ", ".join(shown(str(p)) for p in paths), 1)

    def waiting(message: str) -> None:
        typer.echo(message, err=True)

    if as_json or not sys.stderr.isatty():
        report = run_ingest(settings, paths or None, fetch=fetch, on_wait=waiting)
    else:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("ingest", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            report = run_ingest(settings, paths or None, progress=progress, fetch=fetch, on_wait=waiting)
    for repair in report.repairs:  # on stderr with --json too: damage repaired is worth a line either way
        typer.echo(f"warning: {repair}", err=True)
    out = report.to_json()
    out.pop("file_status") if as_json and len(out["file_status"]) > 200 else None
    held = _held_back(settings)
    out["quarantined"] = len(held)

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
    from studygraph.graph.resolve import Resolver

    resolver = Resolver(_open_catalogue(_settings(data_dir)))
    results = []
    for name in names:
        hit = resolver.resolve(name)
        closest = resolver.closest_to(name, hit)
        results.append(
            {
                "query": name,
                "id": hit.id if hit else None,
                "name": hit.name if hit else None,
                "score": hit.score if hit else 0.0,
                "how": hit.how if hit else "none",  # exact | alias | fuzzy | partial | learned | none
                "confident": bool(hit and hit.confident),
                "learned": bool(hit and resolver.catalogue.topics[hit.id].learned),
                "description": resolver.catalogue.topics[hit.id].description if hit else "",
                "description_zh": resolver.catalogue.topics[hit.id].description_zh if hit else "",
                "closest": [{"id": t, "name": n} for t, n in closest],
            }
        )
    data = results[0] if len(names) == 1 else results
    _emit(
        as_json,
        data,
        lambda: [typer.echo(f"{r['query']}\t{r['id'] or '-'}\t{r['name'] or ''}\t{r['score']}") for r in results],
    )
    if len(names) == 1 and results[0]["id"] is None:
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

    Example: studygraph path RLHF --hours-per-week 6 --start 2026-12-07 --ics rlhf.ics
    """
    weeks_of = _week_options(hours_per_week, start, ics)
    from studygraph.assistant.payloads import PlanPayload
    from studygraph.graph.catalogue import both_names
    from studygraph.graph.plan import learning_plan, status_map
    from studygraph.graph.resolve import Resolver

    tg, meta = _open_graph(_settings(data_dir))
    resolver = Resolver(tg.catalogue)
    goal_id = _resolve_or_fail(resolver, goal)
    done, learning = _known(tg, meta, resolver, known)
    plan = learning_plan(tg, goal_id, done, status_map(done, learning))
    data = PlanPayload.of(plan).to_dict()  # the same payload as a plan answer of `ask`, every resource listed
    weeks = weeks_of(plan) if weeks_of else None
    if weeks is not None:
        data["weeks"] = [w.to_dict() for w in weeks]
        data["hours_per_week"] = hours_per_week
        data["ics"] = str(ics) if ics else None

    def human() -> None:
        typer.echo(f"Plan for {both_names(plan.goal)}{_learned_note(plan.goal)}, about {plan.hours} h:")
        for i, s in enumerate(plan.steps, 1):
            typer.echo(f"{i:2}. {both_names(s.topic)}{_learned_note(s.topic)}  [{s.hours} h]  — {s.why}")
            for r in s.resources:
                typer.echo(f"      {r.kind:8} {r.title}  {r.url or '(no link)'}")
        for w in weeks or ():
            typer.echo(f"week {w.number} ({w.start} – {w.end}, {w.hours:g} h):")
            for b in w.steps:
                part = f" ({b.part}/{b.parts})" if b.parts > 1 else ""
                typer.echo(f"    {b.start:%a %m-%d}–{b.end:%a %m-%d}  {b.name}{part}  [{b.hours:g} h]")
        if ics:
            typer.echo(f"wrote {sum(len(w.steps) for w in weeks)} study blocks to {ics}")

    _emit(as_json, data, human)


def _week_options(hours_per_week: float | None, start: str | None, ics: Path | None):
    """Check --hours-per-week/--start/--ics before any work; returns plan -> weeks (writing the .ics), or None."""
    import datetime as dt

    if hours_per_week is None:
        if start or ics:
            raise CliError("--start and --ics need --hours-per-week N")
        return None
    if not 0 < hours_per_week <= 7 * 24:
        raise CliError(f"--hours-per-week must be more than 0 and at most 168, not {hours_per_week:g}")
    try:
        first = dt.date.fromisoformat(start) if start else dt.date.today()
    except ValueError:
        raise CliError(f"--start must be a date like 2026-12-07, not {start!r}") from None

    def weeks_of(plan):
        from studygraph.graph.schedule import plan_ics, weekly_plan

        weeks = weekly_plan(plan, hours_per_week, first)
        if ics:
            try:
                ics.write_bytes(plan_ics(plan, weeks))
            except OSError as exc:
                raise CliError(f"cannot write {ics}: {exc.strerror or exc}") from None
        return weeks

    return weeks_of


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
    from studygraph.graph.catalogue import both_names
    from studygraph.graph.plan import next_topics
    from studygraph.graph.resolve import Resolver

    tg, meta = _open_graph(_settings(data_dir))
    done, learning = _known(tg, meta, Resolver(tg.catalogue), known)
    ranked = next_topics(tg, done, learning, k)
    data = {
        "topics": [
            {
                "id": n.topic.id,
                "name": n.topic.name,
                "zh": n.topic.zh,
                "score": n.score,
                "why": n.why,
                "learned": n.topic.learned,
            }
            for n in ranked
        ]
    }
    _emit(
        as_json,
        data,
        lambda: [typer.echo(f"{both_names(n.topic)}{_learned_note(n.topic)} ({n.score}): {n.why}") for n in ranked],
    )


@app.command()
def why(source: str, target: str, as_json: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Explain why SOURCE comes before TARGET: the path and each edge's evidence.

    Example: studygraph why attention RLHF
    """
    from studygraph.graph.plan import explain_path
    from studygraph.graph.resolve import Resolver

    tg, _ = _open_graph(_settings(data_dir))
    resolver = Resolver(tg.catalogue)
    a, b = _resolve_or_fail(resolver, source), _resolve_or_fail(resolver, target)
    data = explain_path(tg, a, b)

    def human() -> None:
        if not data["path"]:
            typer.echo(
                f"{a} is not a prerequisite of {b}" + (" (it is the other way round)" if data["reverse"] else "")
            )
        for e in data["edges"]:
            typer.echo(f"{e['source']} -> {e['target']} ({e['kind']}, {e['weight']}):")
            for ev in e["evidence"][:4]:
                typer.echo(f"    {ev}")

    _emit(as_json, data, human)


@app.command()
def graph(as_json: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """The whole prerequisite graph (source -> target: source is a prerequisite of target).

    Example: studygraph graph --json
    """
    tg, _ = _open_graph(_settings(data_dir))
    topics = tg.catalogue.topics
    data = {
        "nodes": [t.to_dict() for t in topics.values()],  # with both descriptions (description, description_zh)
        "edges": [
            {"source": u, "target": v, "weight": round(d["weight"], 3), "kind": d["kind"], "evidence": d["evidence"]}
            for u, v, d in tg.graph.edges(data=True)
        ],
    }
    _emit(
        as_json,
        data,
        lambda: typer.echo(f"{len(data['nodes'])} topics, {len(data['edges'])} edges; use --json for the whole graph"),
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
    from studygraph.graph.resolve import Resolver
    from studygraph.ingest.urls import normalize_url
    from studygraph.models import STATUSES, topic_key

    if status not in STATUSES:
        raise CliError(f"status must be one of {', '.join(STATUSES)}")
    settings = _settings(data_dir)
    meta = _open_library(settings, readonly=False)
    resources = meta.resources()
    by_url = {r.url: r.id for r in resources if r.url}
    ids = {r.id for r in resources}
    resolver = Resolver(_open_catalogue(settings, meta))
    keys = []
    for item in items:
        # A URL in any form ingest folds into a resource's (a trailing slash, tracking parameters, ...).
        url = normalize_url(item)
        if item in ids:
            keys.append(item)
        elif url is not None and url in by_url:
            keys.append(by_url[url])
        elif url is not None:
            raise CliError(f"no resource in the library has the URL {shown(item)}; see `studygraph library`", 1)
        else:
            keys.append(topic_key(_resolve_or_fail(resolver, item)))
    meta.set_progress(keys, status)
    _emit(as_json, {"marked": keys, "status": status}, lambda: typer.echo(f"marked {', '.join(keys)} as {status}"))


@app.command()
def library(as_json: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every resource with kind, topics, sources and status; those held back by the prompt-injection
    quarantine last, with status "quarantined" and the file:line to look at.

    Example: studygraph library --json
    """
    meta = _open_library(_settings(data_dir))
    progress = meta.progress()

    def row(r, held: bool) -> dict:
        return {
            "id": r.id,
            "title": r.title,
            "url": r.url,
            "kind": r.kind,
            "topics": r.topics,
            "sources": [{"file": s.file, "line": s.line, "heading": s.heading} for s in r.sources],
            "status": "quarantined" if held else progress.get(r.id) or ("done" if r.done else "todo"),
            "quarantined": held,
        }

    # Listed, never offered: the learner sees which of their links were held back and where, so nothing
    # disappears silently; no search, plan or answer ever uses them.
    data = [row(r, False) for r in meta.resources()] + [row(r, True) for r in meta.quarantined()]
    _emit(
        as_json,
        data,
        lambda: [
            typer.echo(
                f"{d['kind']:8} {d['status']:5} {d['title']}  {d['url'] or '(no link)'}"
                + (
                    f"  (held back: it addresses a model; {d['sources'][0]['file']}:{d['sources'][0]['line']})"
                    if d["quarantined"] and d["sources"]
                    else ""
                )
            )
            for d in data
        ],
    )


@app.command()
def stats(as_json: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Counts of files, resources, chunks, topics, edges.

    Example: studygraph stats
    """
    settings = _settings(data_dir)
    _open_library(settings).close()
    tg, meta = _open_graph(settings)
    data = {
        **meta.counts(),
        "quarantined": len(meta.quarantined()),
        "topics": len(tg.catalogue.topics),
        "edges": tg.graph.number_of_edges(),
        "curated_edges": len(tg.catalogue.prereqs),
        "learned_topics": sum(t.learned for t in tg.catalogue.topics.values()),
        "data_dir": str(settings.data_dir),
    }
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
    from studygraph.assistant.engine import Assistant

    settings = _settings(data_dir)
    _open_library(settings).close()
    assistant = Assistant(settings)
    results = assistant.search(query, k=k, kind=kind)
    _warn(assistant.search_warning)  # stderr in both modes: --json stays the list of results
    data = [
        {
            "id": r.resource.id,
            "title": r.resource.title,
            "url": r.resource.url,
            "kind": r.resource.kind,
            "score": round(r.score, 4),
            "topics": r.topics,
            "source": r.source,
            "snippet": r.snippet,
        }
        for r in results
    ]
    _emit(
        as_json,
        data,
        lambda: [typer.echo(f"{d['score']:.3f} {d['kind']:8} {d['title']}  {d['url'] or '(no link)'}") for d in data],
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
    from studygraph.assistant.engine import Assistant

    settings = _settings(data_dir)
    if no_llm:
        settings.llm_backend = "none"
    assistant = Assistant(settings)
    if as_json:
        answer = assistant.ask(question)
        data = {
            "answer": answer.text,
            "prose": answer.prose,
            "citations": [{"title": c.title, "url": c.url, "kind": c.kind} for c in answer.citations],
            "intent": answer.intent,
            "model": answer.model,
            "structured": answer.structured,
            "warning": assistant.search_warning,
        }
        _warn(assistant.search_warning)
        _emit(True, data, None)
        return
    answer, tokens = assistant.ask_stream(question)
    for piece in tokens:
        typer.echo(piece, nl=False)
    typer.echo("")
    _warn(assistant.search_warning)


def _warn(warning: str | None) -> None:
    """One line on stderr. The library's own logging of the same warning is silenced in main()."""
    if warning:
        typer.echo(f"warning: {warning}", err=True)


from studygraph.review_cli import review_app  # noqa: E402 - the review commands live in their own module

app.add_typer(review_app, name="review")


def main() -> None:
    import logging

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
    import errno

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
