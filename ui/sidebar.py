"""The sidebar every page shares: language toggle, model status, where the data lives."""

from __future__ import annotations

import sys

import streamlit as st

from studygraph.assistant.packaged_models import MODELS
from studygraph.ui.i18n import DEFAULT_LANG, LANGS, t
from studygraph.ui.state import get_settings, one_line


def _loaded_gguf() -> tuple[str, int] | None:
    """(name, GPU layers) of a GGUF this process has running, without importing anything."""
    local = sys.modules.get("studygraph.assistant.local_llm")
    running = local.loaded_models() if local else []
    return running[0] if running else None


def model_status(settings) -> list[str]:
    """Caption lines: which backend answers, and its GPU layers. Never loads a model: before the first
    answer it says what the settings will load; after it, what the assistant actually used."""
    info = st.session_state.get("model_info")
    if info is not None:
        if not info.get("model") or info["model"] == "none":
            reason = info.get("reason")
            return [t("model_none") + (f" ({reason})" if reason and reason != "no model configured" else "")]
        layers = info.get("gpu_layers")
        lines = [t("model_in_use", model=info["model"])]
        if layers is not None:
            lines.append(t("gpu_layers", n=t("gpu_all") if layers < 0 else layers))
        return lines
    if settings.llm_backend == "none":
        return [t("model_none")]
    loaded = _loaded_gguf()
    if loaded:  # another session of this process already loaded it
        name, layers = loaded
        return [t("model_in_use", model=name), t("gpu_layers", n=t("gpu_all") if layers < 0 else layers)]
    if settings.llm_url and settings.llm_backend in ("auto", "server"):
        return [t("model_lazy", what=t("model_server", url=settings.llm_url))]
    packaged = MODELS[settings.model].title if settings.model in MODELS else settings.model
    what = f"{settings.model_path.name} (llama.cpp)" if settings.model_path else t("model_packaged", name=packaged)
    n = settings.n_gpu_layers
    gpu = t("gpu_auto") if n is None else t("gpu_layers", n=t("gpu_all") if n < 0 else n)
    return [t("model_lazy", what=what), gpu]


def render_model_status(placeholder) -> None:
    """(Re)fill the sidebar's model block; app.py calls it again after the page ran, so the first answer
    shows the backend it used right away."""
    if placeholder is None:
        return
    with placeholder.container():
        st.markdown(f"**{t('model_status')}**")
        for line in model_status(get_settings()):
            st.caption(line)


def render_sidebar():
    """Language toggle, model status, data dir; returns the model block's placeholder (None on a bad config)."""
    with st.sidebar:
        st.session_state.setdefault("lang", DEFAULT_LANG)
        st.radio(t("language"), list(LANGS), format_func=LANGS.get, key="lang", horizontal=True)
        st.caption(t("tagline"))
        try:
            settings = get_settings()
        except Exception as exc:  # noqa: BLE001 - a broken config.toml or env value: say so, keep the app up
            st.error(t("error", msg=one_line(exc)), icon=":material/error:")
            return None
        placeholder = st.empty()
        render_model_status(placeholder)
        st.caption(t("data_dir", path=settings.data_dir))
        return placeholder


# -- conversations (the chat page's list: new / open / rename / delete) -----------------------------
MAX_LISTED = 30  # the most recent; older ones stay saved (Library.conversations lists them all)


def _open_conversation(conversation_id: str | None) -> None:
    st.session_state["conversation"] = conversation_id
    if conversation_id:
        st.query_params["c"] = conversation_id
    else:
        st.query_params.pop("c", None)


def _rename_conversation(lib, conversation_id: str) -> None:
    title = (st.session_state.get(f"conv-title-{conversation_id}") or "").strip()
    if title:
        lib.rename_conversation(conversation_id, title)
        st.session_state["conv_flash"] = ("conv_renamed", title)


def _delete_conversation(lib, conversation_id: str, title: str) -> None:
    lib.delete_conversation(conversation_id)
    _open_conversation(None)
    st.session_state["conv_flash"] = ("conv_deleted", title)


def render_conversations(lib, current: str | None) -> None:
    """The saved conversations, the current one highlighted; a new chat; rename or delete the current one."""
    flash = st.session_state.pop("conv_flash", None)
    if flash:
        st.toast(t(flash[0], title=flash[1]))
    st.markdown(f"**{t('conv_list')}**")
    if lib.conversations_unsaved:
        st.caption(t("conv_unsaved", why=lib.conversations_unsaved))
    st.button(
        t("conv_new"),
        key="conv_new",
        on_click=_open_conversation,
        args=(None,),
        icon=":material/add_comment:",
        width="stretch",
        disabled=current is None,  # already a new chat
    )
    listed = lib.conversations()
    if not listed:
        st.caption(t("conv_none"))
    for c in listed[:MAX_LISTED]:
        st.button(
            c.title or t("conv_untitled"),
            key=f"conv-{c.id}",
            help=c.title or None,
            on_click=_open_conversation,
            args=(c.id,),
            type="secondary" if c.id == current else "tertiary",  # the open one framed
            icon=":material/chat:" if c.id == current else None,
            width="stretch",
        )
    if len(listed) > MAX_LISTED:
        st.caption(t("conv_more", n=len(listed) - MAX_LISTED))
    title = next((c.title for c in listed if c.id == current), None)
    if title is None:
        return
    with st.popover(t("conv_manage"), icon=":material/edit:", width="stretch"):
        st.text_input(t("conv_rename"), value=title, key=f"conv-title-{current}", max_chars=60)
        st.button(t("conv_rename_save"), key="conv_rename", on_click=_rename_conversation, args=(lib, current))
        st.button(
            t("conv_delete"),
            key="conv_delete",
            on_click=_delete_conversation,
            args=(lib, current, title),
            icon=":material/delete:",
            type="primary",
        )
