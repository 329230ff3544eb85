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
