"""Small rendering helpers shared by the pages: resource links with kind badges, the error guard."""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from studygraph import notices
from studygraph.ui.i18n import kind_badge, lang, status_badge, t
from studygraph.ui.state import one_line

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$])")


def md_escape(text: str) -> str:
    """Text safe inside markdown (and inside a link's [title])."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def link(title: str, url: str | None) -> str:
    title = md_escape(title) or "link"
    if not url:
        return title
    safe = url.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
    return f"[{title}]({safe})"


def resource_md(resource, status: str | None = None) -> str:
    """`:red-badge[:material/smart_display: video] [title](url)`; a book without a link keeps its title."""
    text = f"{kind_badge(resource.kind)} {link(resource.title, resource.url)}"
    if status == "done" or (status in (None, "todo") and getattr(resource, "done", False)):
        text += " " + status_badge("done")
    elif status == "learning":
        text += " " + status_badge("learning")
    return text


def corrected_notice(corrected: dict) -> str:
    """What was corrected in a topic the learner typed, in the UI language (graph/typos.py Corrected.to_dict,
    as ResolveResult carries it): "Showing results for RLHF (corrected: RHLF → RLHF)."; the words are the
    CLI's and the chat's (studygraph/notices.py), only the language is the app's."""
    return md_escape(notices.corrected_notice(corrected["showing"], corrected["corrections"], lang()))


def show_corrected(corrected: dict | None) -> None:
    """The one-line notice of a corrected typo, where one was corrected: never a typo read in silence."""
    if corrected:
        st.info(corrected_notice(corrected), icon=":material/spellcheck:")


def guard(render: Callable[[], None]) -> None:
    """Run a page; any error becomes one st.error line, never a stack trace."""
    try:
        render()
    except Exception as exc:  # noqa: BLE001 - Streamlit's rerun/stop are BaseExceptions and pass through
        st.error(t("error", msg=one_line(exc)), icon=":material/error:")


ECHO_CHARS = 60  # of a learner's input quoted back in a message: a pasted page is not worth echoing


def clip(text: str, limit: int = ECHO_CHARS) -> str:
    """A learner's input as a message quotes it: one line, cut to `limit` characters with an ellipsis."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
