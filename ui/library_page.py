"""Library: every resource with kind, topics, sources and status (filterable, markable), the counts of
`studygraph stats`, and uploads of markdown roadmaps / PDF papers followed by a re-ingest."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from studygraph.ui.components import guard, link, md_escape
from studygraph.ui.i18n import KIND_ICONS, kind_badge, kind_label, status_badge, status_label, t
from studygraph.ui.state import counts, get_graph, get_library, get_settings, one_line, set_progress
from studygraph.ui.uploads import safe_upload_path

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
    """Write each upload under a sanitised name inside the uploads dir; (saved paths, refusals)."""
    saved, refused = [], []
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    for f in files:
        try:
            target = safe_upload_path(settings.uploads_dir, f.name)
        except ValueError as exc:
            refused.append(t("lib_refused", name=f.name, why=one_line(exc)))
            continue
        tmp = target.with_name(f".{target.name}.part")
        tmp.write_bytes(f.getvalue())
        os.replace(tmp, target)
        saved.append(target)
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


def _show_report(report: dict, uploaded: list[str], rows: list[dict]) -> None:
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
    for display in uploaded:
        mine = [r for r in rows if any(s.rsplit(":", 1)[0] == display for s in r["sources"])]
        st.markdown(f"**{t('lib_new_links')}: `{md_escape(display)}`**")
        if mine:
            st.markdown("\n".join(f"- {kind_badge(r['kind'])} {link(r['title'], r['url'])}" for r in mine[:MAX_LINKS]))
        else:
            st.caption(t("lib_no_links", name=display))


def _upload_section(settings) -> None:
    st.caption(t("lib_upload_help"))
    generation = st.session_state.setdefault("lib_upload_gen", 0)
    files = st.file_uploader(
        t("lib_uploader"), type=["md", "markdown", "pdf"], accept_multiple_files=True, key=f"lib_upload_{generation}"
    )
    c1, c2, c3 = st.columns([1, 1, 3], vertical_alignment="center")
    go = c1.button(t("lib_save_ingest"), type="primary", disabled=not files, key="lib_save", icon=":material/upload:")
    again = c2.button(t("lib_reingest"), key="lib_reingest", icon=":material/refresh:")
    fetch = c3.toggle(t("lib_fetch"), key="lib_fetch", help=t("lib_fetch_help"))
    if go or again:
        saved, refused = save_uploads(settings, files or []) if go else ([], [])
        for line in refused:
            st.error(line, icon=":material/block:")
        for path in saved:
            st.toast(t("lib_saved", name=path.name))
        try:
            report = run_ingest(settings, fetch=fetch)
        except Exception as exc:  # noqa: BLE001
            st.error(t("error", msg=one_line(exc)), icon=":material/error:")
            return
        st.session_state["lib_last"] = {
            "report": report,
            "uploaded": [get_library(settings).display_path(p) for p in saved],
            "refused": refused,
        }
        if saved:
            st.session_state["lib_upload_gen"] = generation + 1  # a fresh, empty uploader
        st.rerun()


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
