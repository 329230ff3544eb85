"""studygraph's Streamlit app: `streamlit run ui/app.py` (or `make run`).

This file is run as a script, so it imports everything through the installed package
(`studygraph.ui.*`). It draws the shared sidebar (language, model status, data dir) and hands over to
the page picked in the navigation. Each page lives in its own file next to this one and is also an
importable module with a `render()` function.
"""

from __future__ import annotations

import streamlit as st

from studygraph.ui.i18n import t
from studygraph.ui.sidebar import render_model_status, render_sidebar

# An emoji favicon is an inline data: URI; a ":material/...:" one is fetched from fonts.gstatic.com (offline app).
st.set_page_config(page_title="studygraph", page_icon="🧭", layout="wide", initial_sidebar_state="expanded")

pages = [
    st.Page("chat.py", title=t("nav_chat"), icon=":material/forum:", url_path="chat", default=True),
    st.Page("path_page.py", title=t("nav_path"), icon=":material/route:", url_path="path"),
    st.Page("explorer.py", title=t("nav_explorer"), icon=":material/hub:", url_path="explorer"),
    st.Page("review_page.py", title=t("nav_review"), icon=":material/style:", url_path="review"),
    st.Page("library_page.py", title=t("nav_library"), icon=":material/local_library:", url_path="library"),
]
page = st.navigation(pages, position="sidebar")
model_block = render_sidebar()
page.run()
render_model_status(model_block)  # again: a first answer has just said which backend it used
