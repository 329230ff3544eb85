"""`studygraph review`: the interview questions due for review (FSRS), and grading one from the command line.

Kept out of cli.py (which registers it) so the review commands read in one place; like the other
commands they call `Library` and never import torch or load a model.
"""

from __future__ import annotations

import functools
from typing import Annotated

import typer

from studygraph.cli_common import DataDirOpt, JsonOpt, emit, open_library

review_app = typer.Typer(
    invoke_without_command=True,
    help="Spaced-repetition review of the interview questions (FSRS): what is due, and grading it.",
)


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
    data = open_library(data_dir).review(limit, every).to_dict()

    def human() -> None:
        typer.echo(f"{data['due']} due ({data['new']} new) of {data['total']} cards")
        for c in data["cards"]:
            typer.echo(f"#{c['id']:<4} {c['topic_name'] or '-'}: {c['text']}  (due {c['due'][:16]})")
        if data["cards"]:
            typer.echo("grade one with: studygraph review grade ID --rating again|hard|good|easy")

    emit(as_json, data, human)


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
    result = open_library(data_dir).grade(card, rating, answer=answer)
    due = result.card["due"].replace("T", " ")[:16]
    emit(as_json, result.to_dict(), lambda: typer.echo(f"#{card} graded {result.rating}: next review {due} UTC"))


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
    echo = functools.partial(typer.echo, err=as_json)  # with --json, stdout holds only the JSON
    prompt = functools.partial(typer.prompt, err=as_json)

    lib = open_library(data_dir)
    topics = lib.catalogue.topics
    keys = {"a": "again", "h": "hard", "g": "good", "e": "easy", "1": "again", "2": "hard", "3": "good", "4": "easy"}
    graded_cards = []
    for card in lib.review(limit).cards:
        topic = topics.get(card["topic"])
        echo(f"\n#{card['id']} [{topic.name if topic else '-'}] {card['text']}")
        answer = prompt("your answer (Enter to reveal)", default="", show_default=False)
        if topic:  # described in the question's language, as `ask` answers
            echo(f"  {topic.describe('zh' if any(chr(0x4E00) <= ch <= chr(0x9FFF) for ch in card['text']) else 'en')}")
            for r in lib.resources_for(topic.id):
                echo(f"  - {r.kind:8} {r.title}  {r.url or '(no link)'}")
        choice = prompt("grade: [a]gain [h]ard [g]ood [e]asy, [q]uit", default="g").strip().lower()[:1]
        if choice == "q":
            break
        if choice not in keys:
            echo("  not graded")
            continue
        graded = lib.grade(card["id"], keys[choice], answer=answer).card
        graded_cards.append(graded | {"rating": keys[choice]})
        echo(f"  {keys[choice]}: next review {graded['due'].replace('T', ' ')[:16]} UTC")
    still_due = lib.review(1).due
    echo(f"{len(graded_cards)} graded; {still_due} still due")
    if as_json:
        emit(True, {"graded": graded_cards, "due": still_due}, None)
