"""Library: every resource with kind, topics, sources and status (filterable, markable), the counts of
`studygraph stats`, uploads of markdown roadmaps / PDF papers followed by a re-ingest, and the library's
files, each removable (Library.remove).

One outcome per uploaded file: refused before saving (ingest's own checks, ui/uploads.py), with the reason;
or saved and ingested, with the links found in it. A removal clears the last upload report, which may
name the file removed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from studygraph import Library
from studygraph.ui.components import guard, link, md_escape
from studygraph.ui.i18n import KIND_ICONS, kind_badge, kind_label, status_badge, status_label, t
from studygraph.ui.state import counts, get_graph, get_library, get_settings, one_line, set_progress
from studygraph.ui.uploads import ALLOWED_SUFFIXES, save_upload

MAX_LINKS = 100


def library_rows(settings, tg) -> list[dict]:
    """One row per resource the library offers, the way `studygraph library` reports it (Library.resources)."""
    lib = get_library(settings)
    if not lib.has_library:
        return []
    names = tg.catalogue.topics
    return [
        {
            "id": r.id,
            "title": r.title,
            "url": r.url,
            "kind": r.kind,
            "topics": [names[x].name if x in names else x for x in r.topics],
            "topic_ids": list(r.topics),
            "sources": [f"{s.file}:{s.line}" for s in r.sources],
            "status": r.status,
        }
        for r in lib.resources()
        if not r.quarantined
    ]


def held_back(settings) -> list[str]:
    """Where the resources the quarantine holds back were seen ("file:line"): named, never linked."""
    return get_library(settings).held_back()


def filter_rows(rows: list[dict], kinds: list[str], statuses: list[str], text: str) -> list[dict]:
    needle = text.strip().casefold()

    def hit(row: dict) -> bool:
        if kinds and row["kind"] not in kinds:
            return False
        if statuses and row["status"] not in statuses:
            return False
        if needle:
            hay = " ".join(
                [row["title"], row["url"] or "", *row["topics"], *row["topic_ids"], *row["sources"]]
            ).casefold()
            return needle in hay
        return True

    return [r for r in rows if hit(r)]


def save_uploads(settings, files) -> tuple[list[Path], list[str]]:
    """Write each upload that ingest would read under a sanitised name inside the uploads dir; the others
    are never written. (saved paths, one refusal line per refused file naming it and the reason)."""
    saved, refused = [], []
    for f in files:
        try:
            saved.append(save_upload(settings.uploads_dir, f.name, f.getvalue()))
        except ValueError as exc:
            refused.append(t("lib_refused", name=f.name, why=one_line(exc)))
    return saved, refused


def run_ingest(settings, fetch: bool = False) -> dict:
    """Re-ingest the default roots (corpus + uploads) with a progress bar, fetching linked pages first when
    asked; the report as a dict."""
    bar = st.progress(0.0, text=t("lib_ingesting"))

    def progress(stage: str, done: int, total: int) -> None:
        fraction = min(1.0, done / total) if total else 0.0
        bar.progress(fraction, text=t("lib_stage", stage=stage, done=done, total=total))

    report = get_library(settings).ingest(progress=progress, fetch=fetch).to_dict()
    bar.progress(1.0, text=t("lib_report", **report))
    return report


def _show_report(report: dict | None, uploaded: list[str], rows: list[dict]) -> None:
    if report is None:  # every upload was refused: nothing was saved, so nothing was ingested
        return
    st.success(t("lib_report", **report), icon=":material/download_done:")
    fetched = report.get("fetch")
    if fetched:
        st.info(t("lib_fetch_report", **fetched), icon=":material/travel_explore:")
        if fetched["failures"]:
            with st.expander(t("lib_fetch_failures", n=len(fetched["failures"])), icon=":material/link_off:"):
                st.markdown(
                    "\n".join(f"- `{md_escape(f['url'])}` — {md_escape(f['reason'])}" for f in fetched["failures"])
                )
    errors = report.get("errors") or []
    if errors:
        with st.expander(t("lib_errors", n=len(errors)), expanded=True, icon=":material/error:"):
            st.markdown(
                "\n".join(
                    f"- `{md_escape(e['file'])}:{e.get('line') or '-'}` — {md_escape(e['message'])}" for e in errors
                )
            )
    problems = {e["file"]: e["message"] for e in errors}
    for display in uploaded:
        mine = [r for r in rows if any(s.rsplit(":", 1)[0] == display for s in r["sources"])]
        st.markdown(f"**{t('lib_new_links')}: `{md_escape(display)}`**")
        if report.get("file_status", {}).get(display) == "error":  # saved, yet ingest could not read it
            st.caption(t("lib_upload_unread", name=display, why=problems.get(display, "")))
        elif mine:
            st.markdown("\n".join(f"- {kind_badge(r['kind'])} {link(r['title'], r['url'])}" for r in mine[:MAX_LINKS]))
        else:
            st.caption(t("lib_no_links", name=display))


def _uploader_label() -> str:
    """Ingest's kinds and limits in words (Streamlit's own line under the widget says the largest only)."""
    limits = Library.upload_limits()
    markdown = [s for s in limits.suffixes if s != ".pdf"]
    return t("lib_uploader", kinds=", ".join(markdown), md_mb=limits.max_mb[".md"], pdf_mb=limits.max_mb[".pdf"])


def _upload_section(settings) -> None:
    st.caption(t("lib_upload_help"))
    generation = st.session_state.setdefault("lib_upload_gen", 0)
    files = st.file_uploader(
        _uploader_label(),
        type=[s.lstrip(".") for s in ALLOWED_SUFFIXES],
        accept_multiple_files=True,
        max_upload_size=Library.upload_limits().largest_mb,
        key=f"lib_upload_{generation}",
    )
    row = st.container(horizontal=True, vertical_alignment="center")  # buttons as wide as their labels
    go = row.button(t("lib_save_ingest"), type="primary", disabled=not files, key="lib_save", icon=":material/upload:")
    again = row.button(t("lib_reingest"), key="lib_reingest", icon=":material/refresh:")
    fetch = row.toggle(t("lib_fetch"), key="lib_fetch", help=t("lib_fetch_help"))
    if go or again:
        saved, refused = save_uploads(settings, files or []) if go else ([], [])
        report = None
        if saved or again:
            try:
                report = run_ingest(settings, fetch=fetch)
            except Exception as exc:  # noqa: BLE001
                st.error(t("error", msg=one_line(exc)), icon=":material/error:")
                return
        st.session_state.pop("lib_removed", None)
        st.session_state["lib_last"] = {
            "report": report,
            "uploaded": [get_library(settings).display_path(p) for p in saved],
            "refused": refused,
        }
        st.session_state["lib_upload_gen"] = generation + 1  # a fresh, empty uploader: each file has its outcome
        st.rerun()


# -- the library's files, each removable ------------------------------------------------------------------
def file_key(path: str) -> str:
    """A widget key for a file: its path hashed (paths hold characters keys cannot)."""
    return hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def _file_line(f) -> str:
    where = t("lib_file_uploaded") if f.uploaded else t("lib_file_in", folder=f.returns_with or Path(f.path).parent)
    if not f.ingested:
        state = t("lib_file_refused", why=f.problem) if f.problem else t("lib_file_pending")
        return f"`{md_escape(f.file)}` · {where} · :red[{md_escape(state)}]"
    return f"`{md_escape(f.file)}` · {where} · {t('lib_file_resources', n=f.resources)}"


def _files_section(settings) -> None:
    files = get_library(settings).files()
    pending = st.session_state.get("lib_remove_pending")
    with st.expander(
        t("lib_files_list", n=len(files)), icon=":material/folder_open:", expanded=bool(pending), key="lib_files_box"
    ):
        if not files:
            st.caption(t("lib_files_none"))
        for f in files:
            key = file_key(f.path)
            row = st.container(horizontal=True, vertical_alignment="center", key=f"lib_file_{key}")
            row.markdown(_file_line(f), width="stretch")
            if row.button(t("lib_remove"), key=f"lib_rm_{key}", icon=":material/delete:", type="tertiary"):
                st.session_state["lib_remove_pending"] = f.path
                st.rerun()
            if pending == f.path:
                _confirm_removal(settings, f)


def _confirm_removal(settings, f) -> None:
    box = st.container(border=True, key="lib_confirm")
    if not f.ingested:
        box.warning(t("lib_remove_ask_stray", name=f.file), icon=":material/delete:")
    else:
        box.warning(t("lib_remove_ask", name=f.file, n=f.resources), icon=":material/delete:")
        if f.returns_with:
            box.caption(t("lib_remove_returns", name=f.file, folder=f.returns_with))
    row = box.container(horizontal=True)
    yes = row.button(t("lib_remove_yes"), type="primary", key="lib_rm_yes", icon=":material/delete:")
    if row.button(t("lib_remove_no"), key="lib_rm_no"):
        st.session_state.pop("lib_remove_pending", None)
        st.rerun()
    if yes:
        st.session_state.pop("lib_remove_pending", None)
        try:
            with st.spinner(t("lib_removing", name=f.file)):
                result = get_library(settings).remove(f.path)
        except Exception as exc:  # noqa: BLE001
            st.error(t("error", msg=one_line(exc)), icon=":material/error:")
            return
        st.session_state.pop("lib_last", None)  # its links may be the file's: a stale report would contradict
        st.session_state["lib_removed"] = result.to_dict()
        st.rerun()


def _show_removal(done: dict) -> None:
    if not done["in_library"]:
        st.success(t("lib_removed_stray", name=done["file"]), icon=":material/delete:")
        return
    parts = [t("lib_removed", name=done["file"], n=len(done["resources_removed"]))]
    if done["learned_topics_removed"]:
        parts.append(t("lib_removed_topics", names=", ".join(done["learned_topics_removed"][:10])))
    if done["resources_kept"]:
        parts.append(t("lib_removed_kept", kept=done["resources_kept"]))
    st.success(" ".join(parts), icon=":material/delete:")
    if done["returns_with"]:
        st.warning(t("lib_remove_returns", name=done["file"], folder=done["returns_with"]), icon=":material/info:")


def _mark_selected(settings, rows: list[dict], selection) -> None:
    picked = [rows[i] for i in (selection.get("selection", {}).get("rows", []) if selection else []) if i < len(rows)]
    if not picked:
        st.caption(t("lib_select_hint"))
        return
    st.markdown(f"**{t('lib_mark')}** ({len(picked)})")
    cols = st.columns([1, 1, 1, 4])
    for col, status in zip(cols, ("done", "learning", "todo")):
        if col.button(status_label(status), key=f"lib_mark_{status}"):
            set_progress(settings, [r["id"] for r in picked], status)
            st.rerun()


def _page() -> None:
    st.title(t("lib_title"), icon=":material/local_library:")
    st.caption(t("lib_intro"))
    settings = get_settings()
    tg = get_graph(settings)
    c = counts(settings)
    cols = st.columns(6)
    for col, key in zip(cols, ("files", "resources", "chunks", "topics", "edges", "questions")):
        col.metric(t(f"lib_{key}"), c.get(key, 0))

    rows = library_rows(settings, tg)
    last = st.session_state.get("lib_last")
    with st.expander(t("lib_upload"), icon=":material/upload_file:", expanded=not rows or bool(last)):
        _upload_section(settings)
    _files_section(settings)
    removed = st.session_state.get("lib_removed")
    if removed:
        _show_removal(removed)
    if last:
        for line in last.get("refused", []):
            st.error(line, icon=":material/block:")
        _show_report(last["report"], last.get("uploaded", []), rows)
    if not rows:
        st.info(t("library_empty"), icon=":material/local_library:")

    f1, f2, f3 = st.columns([2, 2, 3])
    kinds = f1.multiselect(
        t("lib_filter_kind"),
        sorted({r["kind"] for r in rows} | set(KIND_ICONS)),
        key="lib_kind",
        format_func=kind_label,
    )
    statuses = f2.multiselect(
        t("lib_filter_status"), ["todo", "learning", "done", "skipped"], key="lib_status", format_func=status_label
    )
    text = f3.text_input(t("lib_filter_text"), key="lib_text", placeholder=t("lib_filter_text_ph"))
    shown = filter_rows(rows, kinds, statuses, text or "")
    st.caption(t("lib_showing", n=len(shown), total=len(rows)))
    held = held_back(settings)
    if held:
        st.warning(t("lib_quarantined", n=len(held), where=", ".join(held[:10])), icon=":material/gpp_maybe:")
    if rows and not shown:
        st.info(t("lib_no_match"), icon=":material/search_off:")

    table_tab, links_tab = st.tabs([f":material/table: {t('lib_table')}", f":material/link: {t('lib_links')}"])
    with table_tab:
        if shown:
            # pandas (~400 ms; Streamlit itself does not load it) only when the Library page draws its table.
            import pandas as pd

            frame = pd.DataFrame(
                [
                    {
                        t("lib_col_title"): r["title"],
                        t("lib_col_kind"): kind_label(r["kind"]),
                        t("lib_col_status"): status_label(r["status"]),
                        t("lib_col_topics"): ", ".join(r["topics"]),
                        t("lib_col_url"): r["url"],
                        t("lib_col_sources"): ", ".join(r["sources"]),
                    }
                    for r in shown
                ]
            )
            selection = st.dataframe(
                frame,
                hide_index=True,
                width="stretch",
                height=min(560, 38 + 35 * len(shown)),
                key="lib_table",
                on_select="rerun",
                selection_mode="multi-row",
                placeholder="—",
                column_config={
                    t("lib_col_title"): st.column_config.TextColumn(width="large"),
                    t("lib_col_url"): st.column_config.LinkColumn(
                        width="medium", display_text=r"https?://(?:www\.)?([^/?#]+)"
                    ),
                    t("lib_col_topics"): st.column_config.TextColumn(width="medium"),
                },
            )
            _mark_selected(settings, shown, selection)
    with links_tab:
        if shown:
            by_id = {r["id"]: r for r in shown[:MAX_LINKS]}
            lines = []
            for r in by_id.values():
                extra = f" · {md_escape(', '.join(r['topics'][:3]))}" if r["topics"] else ""
                lines.append(
                    f"- {kind_badge(r['kind'])} {link(r['title'], r['url'])} {status_badge(r['status'])}{extra}"
                )
            st.markdown("\n".join(lines))
            if len(shown) > MAX_LINKS:
                st.caption(t("lib_links_cap", n=MAX_LINKS))


def render() -> None:
    guard(_page)


if __name__ == "__main__":
    render()
