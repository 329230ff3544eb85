"""The typo notice's words, owned here once: graph/typos.py renders it (the CLI, the chat, every result's
`corrected["notice"]`) and the app renders it in the language of its UI (ui/components.py), which may import
no graph/ module. Both say one sentence with one template, so the surfaces cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence

CORRECTED = {
    "en": "Showing results for {showing} (corrected: {fixes}).",
    "zh": "以下是{showing}的结果（已更正：{fixes}）。",
}


def corrected_notice(showing: Sequence[str], corrections: Sequence[dict], lang: str = "en") -> str:
    """ "Showing results for gradient checkpointing (corrected: chekpointing → checkpointing)." in `lang`
    ("zh" or else English), from graph/typos.py Corrected.to_dict's `showing` and `corrections`; "" when
    nothing was corrected."""
    if not corrections:
        return ""
    fixes = ", ".join(f"{c['typed']} → {c['corrected']}" for c in corrections)
    if lang == "zh":
        return CORRECTED["zh"].format(showing="、".join(f"“{s}”" for s in showing), fixes=fixes)
    return CORRECTED["en"].format(showing=", ".join(showing), fixes=fixes)
