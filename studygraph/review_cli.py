"""`studygraph review`: the interview questions due for review (FSRS), and grading one from the command line.

Kept out of cli.py (which registers it) so the review commands read in one place; like the other
commands they never import torch or load a model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from studygraph.errors import CliError

review_app = typer.Typer(
    invoke_without_command=True,
    help="Spaced-repetition review of the interview questions (FSRS): what is due, and grading it.",
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
DataDirOpt = Annotated[
    Optional[Path], typer.Option("--data-dir", help="Data dir (default: STUDYGRAPH_DATA_DIR or a per-user dir).")
]


def open_reviews(data_dir: Path | None):
    """(ReviewStore synced with the library's questions, catalogue); one line to act on without a library."""
    from studygraph.cli import _open_catalogue, _settings
    from studygraph.store.meta import MetaStore
    from studygraph.store.review import ReviewStore, card_sources

    settings = _settings(data_dir)
    if not settings.meta_path.exists():
        raise CliError(f"no library at {settings.data_dir}: run `studygraph ingest` first", 1)
    meta = MetaStore(settings.meta_path)
    catalogue = _open_catalogue(settings, meta)
    store = ReviewStore(meta)
    store.sync(card_sources(meta, catalogue))
    return store, catalogue


def card_json(card, catalogue) -> dict:
    topic = catalogue.topics.get(card.topic)
    return {**card.to_dict(), "topic_name": topic.name if topic else "", "topic_zh": topic.zh if topic else ""}


@review_app.callback()
def review(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", help="List at most N due cards.", min=1)] = 20,
    every: Annotated[bool, typer.Option("--all", help="Every active card, due or not.")] = False,
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """The interview questions due for review, most overdue first, then new ones in roadmap order.

    Example: studygraph review --json

    Example: studygraph review grade 12 --rating good
    """
    if ctx.invoked_subcommand:
        return
    from studygraph.cli import _emit

    store, catalogue = open_reviews(data_dir)
    due = store.due()
    cards = store.cards() if every else due
    later = sorted(c.due for c in store.cards() if c not in due)
    data = {
        "due": len(due),
        "new": sum(c.new for c in due),
        "total": len(store.cards()),
        "next_due": later[0].isoformat() if later else None,
        "cards": [card_json(c, catalogue) for c in cards[:limit]],
    }

    def human() -> None:
        typer.echo(f"{data['due']} due ({data['new']} new) of {data['total']} cards")
        for c in data["cards"]:
            typer.echo(f"#{c['id']:<4} {c['topic_name'] or '-'}: {c['text']}  (due {c['due'][:16]})")
        if data["cards"]:
            typer.echo("grade one with: studygraph review grade ID --rating again|hard|good|easy")

    _emit(as_json, data, human)


@review_app.command("grade")
def grade(
    card: Annotated[int, typer.Argument(help="The card's id (from `studygraph review`).")],
    rating: Annotated[str, typer.Option("--rating", help="again | hard | good | easy")],
    answer: Annotated[str, typer.Option("--answer", help="What you answered (kept with the review).")] = "",
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Grade one card; FSRS decides when it comes back.

    Example: studygraph review grade 12 --rating good --json
    """
    from studygraph.cli import _emit
    from studygraph.store.review import RATINGS

    if rating.lower() not in RATINGS:
        raise CliError(f"--rating must be one of {', '.join(RATINGS)}, not {rating!r}")
    store, catalogue = open_reviews(data_dir)
    found = store.card(card)
    if found is None or not found.active:
        raise CliError(f"no review card #{card}; `studygraph review --all` lists them", 1)
    graded = store.grade(card, rating.lower(), answer=answer)
    data = {"card": card_json(graded, catalogue), "rating": rating.lower()}
    _emit(
        as_json,
        data,
        lambda: typer.echo(f"#{card} graded {rating.lower()}: next review {graded.due:%Y-%m-%d %H:%M} UTC"),
    )


@review_app.command("study")
def study(
    limit: Annotated[int, typer.Option("--limit", "-n", help="Stop after N cards.", min=1)] = 20,
    as_json: Annotated[
        bool, typer.Option("--json", help="The session's grades as JSON on stdout (prompts on stderr).")
    ] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Review the due cards one by one in the terminal: answer, reveal, grade (a/h/g/e; q stops).

    Example: studygraph review study -n 10
    """
    import functools

    from studygraph.cli import _open_graph, _settings
    from studygraph.graph.plan import pick_resources

    echo = functools.partial(typer.echo, err=as_json)  # with --json, stdout holds only the JSON
    prompt = functools.partial(typer.prompt, err=as_json)

    store, catalogue = open_reviews(data_dir)
    tg, _ = _open_graph(_settings(data_dir))
    keys = {"a": "again", "h": "hard", "g": "good", "e": "easy", "1": "again", "2": "hard", "3": "good", "4": "easy"}
    graded_cards = []
    for card in store.due()[:limit]:
        topic = tg.catalogue.topics.get(card.topic)
        echo(f"\n#{card.id} [{topic.name if topic else '-'}] {card.text}")
        answer = prompt("your answer (Enter to reveal)", default="", show_default=False)
        if topic:  # described in the question's language, as `ask` answers
            echo(f"  {topic.describe('zh' if any(chr(0x4E00) <= ch <= chr(0x9FFF) for ch in card.text) else 'en')}")
            for r in pick_resources(tg, topic.id):
                echo(f"  - {r.kind:8} {r.title}  {r.url or '(no link)'}")
        choice = prompt("grade: [a]gain [h]ard [g]ood [e]asy, [q]uit", default="g").strip().lower()[:1]
        if choice == "q":
            break
        if choice not in keys:
            echo("  not graded")
            continue
        graded = store.grade(card.id, keys[choice], answer=answer)
        graded_cards.append(card_json(graded, catalogue) | {"rating": keys[choice]})
        echo(f"  {keys[choice]}: next review {graded.due:%Y-%m-%d %H:%M} UTC")
    still_due = len(store.due())
    echo(f"{len(graded_cards)} graded; {still_due} still due")
    if as_json:
        from studygraph.cli import _emit

        _emit(True, {"graded": graded_cards, "due": still_due}, None)
