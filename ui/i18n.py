"""UI strings in English and Chinese, kind badges and status labels.

`t("key")` reads the language from st.session_state["lang"] ("en" or "zh"); every string the app shows
goes through it, so the sidebar toggle switches the whole UI on the next rerun.
"""

from __future__ import annotations

import streamlit as st

from studygraph.models import AREA_NAMES

LANGS = {"zh": "中文", "en": "English"}
DEFAULT_LANG = "en"

# Material Symbols (bundled with Streamlit, so they render without any emoji font) and badge colours.
KIND_ICONS = {
    "paper": "description",
    "video": "smart_display",
    "course": "school",
    "code": "code",
    "book": "menu_book",
    "article": "article",
    "docs": "library_books",
    "dataset": "dataset",
    "website": "language",
}
KIND_COLOURS = {
    "paper": "blue",
    "video": "red",
    "course": "violet",
    "code": "gray",
    "book": "orange",
    "article": "green",
    "docs": "blue",
    "dataset": "gray",
    "website": "gray",
}
KIND_ZH = {
    "paper": "论文",
    "video": "视频",
    "course": "课程",
    "code": "代码",
    "book": "书",
    "article": "文章",
    "docs": "文档",
    "dataset": "数据集",
    "website": "网站",
}
STATUS_ICONS = {
    "done": "check_circle",
    "learning": "auto_stories",
    "skipped": "skip_next",
    "todo": "radio_button_unchecked",
}
STATUS_COLOURS = {"done": "green", "learning": "orange", "skipped": "blue", "todo": "gray"}
STATUS_ZH = {"done": "已完成", "learning": "学习中", "skipped": "跳过", "todo": "待学"}

STRINGS: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("studygraph", "studygraph"),
    "tagline": ("Your offline NLP / LLM study companion", "离线的 NLP / LLM 学习助手"),
    "nav_chat": ("Chat", "问答"),
    "nav_path": ("Learning path", "学习路径"),
    "nav_explorer": ("Graph explorer", "知识图谱"),
    "nav_library": ("Library", "资料库"),
    "nav_review": ("Review", "复习"),
    "language": ("Language / 语言", "语言 / Language"),
    "model_status": ("Model", "模型"),
    "model_none": ("no model: deterministic answers", "未加载模型：确定性回答"),
    "model_lazy": ("{what} — loads on the first question", "{what} — 第一次提问时加载"),
    "model_packaged": ("{name} (llama.cpp, packaged)", "{name}（llama.cpp，内置）"),
    "model_server": ("server {url}", "服务器 {url}"),
    "model_in_use": ("answering with {model}", "当前模型：{model}"),
    "gpu_layers": ("GPU layers: {n}", "GPU 层数：{n}"),
    "gpu_auto": ("GPU layers: auto", "GPU 层数：自动"),
    "gpu_all": ("all", "全部"),
    "data_dir": ("Data: `{path}`", "数据目录：`{path}`"),
    "library_empty": (
        "Your library is empty. Open **Library** and re-ingest (or run `studygraph ingest`) to add the roadmaps.",
        "资料库还是空的。打开 **资料库** 页面重新导入（或运行 `studygraph ingest`）。",
    ),
    "error": ("Something went wrong: {msg}", "出错了：{msg}"),
    # chat
    "chat_title": ("Ask your study assistant", "向学习助手提问"),
    "chat_intro": (
        "Ask about what to learn, in what order, and where to read or watch it. Answers cite your library.",
        "问问该学什么、按什么顺序学、去哪里看。回答都会引用你的资料库。",
    ),
    "chat_examples": ("Try one of these:", "试试这些问题："),
    "chat_placeholder": ("Ask in English or 中文…", "用中文或 English 提问……"),
    "chat_thinking": ("Thinking…", "思考中……"),
    "chat_loading": (
        "Loading the search index and model (first question only)…",
        "正在加载检索索引和模型（仅第一次）……",
    ),
    "chat_sources": ("Sources", "来源"),
    "chat_details": ("Details", "详细结果"),
    "chat_plan_details": ("The plan, step by step", "学习计划（逐步）"),
    "chat_resource_details": ("Resources found", "找到的资料"),
    "chat_open_plan": ("Open this plan on the Learning path page", "在学习路径页面打开这个计划"),
    "chat_confirm": ("Mark {items} as {status}", "把 {items} 标记为{status}"),
    "chat_confirmed": ("Marked {items} as {status}.", "已把 {items} 标记为{status}。"),
    "chat_no_answer": ("(no answer)", "（没有回答）"),
    "chat_interrupted": (
        "This answer was interrupted (the page changed while it was written). Ask again for the whole answer.",
        "这个回答被打断了（生成时页面发生了变化）。再问一次即可得到完整回答。",
    ),
    "chat_unfinished": (
        "This answer was not finished (it may still be written in another tab). Ask again if it does not appear.",
        "这个回答还没有完成（可能仍在另一个标签页中生成）。如果没有出现，请再问一次。",
    ),
    "chat_ask_again": ("Ask again", "再问一次"),
    "chat_settling": ("Saving the answer that was being written…", "正在保存刚才生成中的回答……"),
    # conversations (sidebar of the chat)
    "conv_list": ("Conversations", "对话"),
    "conv_new": ("New chat", "新对话"),
    "conv_none": ("Your questions are saved here.", "你的提问会保存在这里。"),
    "conv_unsaved": (
        "Not saved when the app stops ({why}).",
        "应用停止后不会保留（{why}）。",
    ),
    "conv_untitled": ("Untitled chat", "未命名对话"),
    "conv_more": ("… and {n} older", "……还有 {n} 个更早的对话"),
    "conv_manage": ("Rename or delete this chat", "重命名或删除此对话"),
    "conv_rename": ("Title", "标题"),
    "conv_rename_save": ("Rename", "重命名"),
    "conv_delete": ("Delete this chat", "删除此对话"),
    "conv_renamed": ("Renamed to “{title}”.", "已重命名为“{title}”。"),
    "conv_deleted": ("Deleted “{title}”.", "已删除“{title}”。"),
    # path
    "path_title": ("Learning path", "学习路径"),
    "path_intro": (
        "Pick a goal; get every prerequisite in learning order, with resources and time estimates.",
        "选一个目标：按学习顺序列出所有前置知识，附带资料和预计时间。",
    ),
    "path_goal": ("Goal topic", "目标主题"),
    "path_goal_placeholder": ("Choose a topic…", "选择一个主题……"),
    "path_goal_text": ("…or type a goal", "……或者直接输入目标"),
    "path_goal_text_ph": ("e.g. RLHF, 注意力机制, LoRA", "例如 RLHF、注意力机制、LoRA"),
    "path_quick": ("Popular goals:", "热门目标："),
    "path_resolved": ("“{text}” → **{name}**", "“{text}” → **{name}**"),
    "path_unresolved": (
        "“{text}” is not in the topic map (closest: {closest}). Pick one from the list instead.",
        "主题图里没有“{text}”（最接近：{closest}），请从列表里选择。",
    ),
    "path_known": ("What you already know (left out of the plan)", "已经掌握的主题（不放进计划）"),
    "path_known_ph": ("Choose topics…", "选择主题……"),
    "path_presets": ("I already know:", "我已经会："),
    "path_preset_math": ("maths & Python", "数学和 Python"),
    "path_preset_ml": ("machine learning", "机器学习"),
    "path_preset_dl": ("deep learning", "深度学习"),
    "path_pick_goal": ("Choose or type a goal to see your plan.", "选择或输入一个目标，查看学习计划。"),
    "path_steps": ("Steps", "步骤"),
    "path_hours": ("Estimated time", "预计时间"),
    "path_done": ("Done", "已完成"),
    "path_graph": ("The plan as a graph", "计划图"),
    "path_legend": (
        "green: done · orange: learning · grey: to do · dashed: learned from your roadmaps · arrows: learn first → then",
        "绿色：已完成 · 橙色：学习中 · 灰色：待学 · 虚线框：从你的路线图学到的主题 · 箭头：先学 → 后学",
    ),
    "learned_badge": ("learned from your roadmap · {where}", "从你的路线图学到 · {where}"),
    "learned_evidence": ("Where this topic comes from", "这个主题的来源"),
    "path_step_hours": ("{h} h", "{h} 小时"),
    "path_total": ("{n} steps · about {h} h", "共 {n} 步 · 约 {h} 小时"),
    "path_no_resources": ("No resource in your library for this topic yet.", "资料库里暂时没有这个主题的资料。"),
    "path_why": ("Why: {why}", "原因：{why}"),
    "path_mark_done": ("Done", "完成"),
    "path_mark_learning": ("Learning", "在学"),
    "path_mark_todo": ("Reset", "重置"),
    "path_export": ("Download the plan as a markdown checklist", "下载 Markdown 学习清单"),
    "path_export_help": (
        "A checklist you can tick in any editor, and upload back on the Library page.",
        "可在任何编辑器里勾选，也可以在资料库页面重新上传。",
    ),
    "path_skipped": ("Left out because you know them: {names}", "因为已掌握而省略：{names}"),
    "path_marked": ("Marked {name} as {status}.", "已把 {name} 标记为{status}。"),
    "path_goal_only": ("Nothing else to learn first: go straight for it.", "没有需要先学的内容，直接开始吧。"),
    "path_weeks": ("Week by week", "按周安排"),
    "path_hours_week": ("Hours per week", "每周学习小时数"),
    "path_start": ("Starting on", "开始日期"),
    "path_ics": ("Download the weeks as a calendar (.ics)", "下载日历文件（.ics）"),
    "path_ics_help": (
        "{n} all-day study blocks; importing it again updates the same events.",
        "共 {n} 个全天学习块；再次导入会更新同一批日程。",
    ),
    "path_weeks_total": ("{n} weeks, done by {end}.", "共 {n} 周，预计 {end} 完成。"),
    "path_week": ("Week {n} · from {start} · {h} h", "第 {n} 周 · {start} 起 · {h} 小时"),
    # review
    "review_title": ("Review", "复习"),
    "review_intro": (
        "Interview questions from your roadmaps, scheduled by FSRS: answer in your head or in the box, reveal, "
        "then say how it went. Cards you know come back later and later; the ones you miss come back soon.",
        "来自路线图的面经题，由 FSRS 安排复习：先在心里或输入框里作答，再看提示，然后给自己打分。"
        "答得好的题间隔越来越长，答不上的很快会再出现。",
    ),
    "review_due": ("Due now", "待复习"),
    "review_new": ("New", "新卡片"),
    "review_total": ("Cards", "卡片总数"),
    "review_none_due": ("Nothing is due: come back later.", "现在没有要复习的卡片，稍后再来。"),
    "review_no_cards": ("Your roadmaps have no interview questions yet.", "路线图里还没有面经题。"),
    "review_card_new": ("new card", "新卡片"),
    "review_card_seen": ("reviewed {n}×", "已复习 {n} 次"),
    "review_answer": ("Your answer (optional, kept with the review)", "你的回答（可选，会随复习记录保存）"),
    "review_answer_ph": ("Write what you would say in the interview…", "写下你在面试中会怎么回答……"),
    "review_reveal": ("Show the topic and resources", "查看主题和资料"),
    "review_resources": ("Best resources:", "推荐资料："),
    "review_no_topic": ("This question is not about a topic of the map.", "这道题不属于图谱中的任何主题。"),
    "review_no_description": ("No description for this topic yet.", "这个主题暂时没有简介。"),
    "review_again": ("Again", "忘了"),
    "review_hard": ("Hard", "困难"),
    "review_good": ("Good", "良好"),
    "review_easy": ("Easy", "简单"),
    "review_graded": ("{rating}: next review {due} (UTC)", "{rating}：下次复习 {due}（UTC）"),
    # the whole map (explorer's first view)
    "map_areas": ("Areas", "领域"),
    "map_all": ("All areas", "全部领域"),
    "map_goal": ("Highlight the plan for", "高亮学习目标的计划"),
    "map_goal_none": ("No goal", "不设目标"),
    "map_only_plan": ("Only the plan", "只看计划"),
    "map_progress": ("Progress per area", "各领域进度"),
    "map_learning": ("{n} learning", "{n} 个在学"),
    "map_hours_left": ("{h} h to the goal", "距目标 {h} 小时"),
    "map_plan_left": ("{h} h left to {name}.", "距离 {name} 还需约 {h} 小时。"),
    "map_legend": (
        "green: done · orange: learning · light blue: skipped · grey: to do · dashed: learned from your roadmaps · "
        "blue outline: the goal's plan · click a topic (or choose one above) to open it",
        "绿色：已完成 · 橙色：学习中 · 浅蓝：跳过 · 灰色：待学 · 虚线框：从你的路线图学到的主题 · "
        "蓝色边框：目标的学习计划 · 点击主题（或在上方选择）即可打开",
    ),
    "map_back": ("Whole map", "返回全图"),
    # explorer
    "ex_title": ("Graph explorer", "知识图谱浏览"),
    "ex_intro": (
        "Look up a topic: what it needs, what it unlocks, and why.",
        "查一个主题：它依赖什么、能解锁什么，以及原因。",
    ),
    "ex_search": ("Search a topic", "搜索主题"),
    "ex_search_ph": ("e.g. transformer, 注意力机制", "例如 transformer、注意力机制"),
    "ex_pick": ("…or choose one", "……或者从列表选择"),
    "ex_none": (
        "“{text}” is not in the topic map (closest: {closest}).",
        "主题图里没有“{text}”（最接近：{closest}）。",
    ),
    "ex_prereqs": ("Prerequisites", "前置知识"),
    "ex_dependants": ("Unlocks", "后续主题"),
    "ex_no_prereqs": ("None: a starting point.", "无：可以直接开始。"),
    "ex_no_dependants": ("Nothing depends on it (yet).", "暂时没有依赖它的主题。"),
    "ex_evidence": ("evidence", "依据"),
    "ex_edge_curated": ("curated", "人工整理"),
    "ex_edge_order": ("curated · order only", "人工整理 · 仅先后顺序"),
    "ex_edge_learned_topic": ("from a learned topic", "来自学到的主题"),
    "ex_edge_learned": ("learned · strength {w}", "从路线图学到 · 强度 {w}"),
    "ex_edge_legend": (
        "Each link says how it is known. curated: the topic map's own. curated · order only: courses teach it "
        "earlier, but it is not needed, so it orders plans without adding a step. learned · strength: seen in the order of "
        "your roadmaps (0.25 for each roadmap putting one section before the other, 0.5 for each numbered "
        "syllabus, at most 0.99); it orders and explains, but never adds a step to a plan. from a learned topic: "
        "a section of your roadmaps the map did not have. Open a link for its evidence.",
        "每条关系都标明来源。人工整理：主题图自带。人工整理 · 仅先后顺序：课程通常先教它，但并非必需，所以只影响计划的先后、"
        "不增加步骤。从路线图学到 · 强度：来自你的路线图中的先后顺序（每份路线图把一节放在另一节之前记 "
        "0.25，每份编号大纲记 0.5，最高 0.99）；它用于排序和解释，但不会往学习计划里加步骤。来自学到的主题：你的路线图里主题图原本"
        "没有的章节。展开即可查看依据。",
    ),
    "ex_resources": ("Resources", "资料"),
    "ex_no_resources": ("No resource in your library mentions this topic yet.", "资料库里还没有提到这个主题的资料。"),
    "ex_questions": ("Interview questions", "面试题"),
    "ex_no_questions": ("No interview questions for this topic in your roadmaps.", "路线图里没有这个主题的面试题。"),
    "ex_neighbourhood": ("Neighbourhood", "邻近主题"),
    "ex_why": ("Why does one topic come before another?", "为什么一个主题要先于另一个？"),
    "ex_why_from": ("Before", "先学"),
    "ex_why_to": ("this topic", "本主题"),
    "ex_why_none": ("{a} is not a prerequisite of {b}.", "{a} 不是 {b} 的前置知识。"),
    "ex_why_reverse": ("It is the other way round: {b} comes before {a}.", "恰好相反：{b} 要先于 {a}。"),
    "ex_level": ("level", "难度"),
    "ex_area": ("area", "领域"),
    "ex_pick_prompt": ("Search or choose a topic to explore.", "搜索或选择一个主题。"),
    "ex_more": ("… and {n} more", "……还有 {n} 条"),
    # library
    "lib_title": ("Library", "资料库"),
    "lib_intro": ("Everything your roadmaps and papers point to.", "你的路线图和论文里提到的所有资料。"),
    "lib_files": ("files", "文件"),
    "lib_resources": ("resources", "资料"),
    "lib_chunks": ("chunks", "文本块"),
    "lib_topics": ("topics", "主题"),
    "lib_edges": ("edges", "依赖边"),
    "lib_questions": ("questions", "题目"),
    "lib_filter_kind": ("Kind", "类型"),
    "lib_filter_status": ("Status", "状态"),
    "lib_filter_text": ("Filter by text", "按文字筛选"),
    "lib_filter_text_ph": ("title, URL, topic or file", "标题、链接、主题或文件"),
    "lib_showing": ("{n} of {total} resources", "共 {total} 条，显示 {n} 条"),
    "lib_quarantined": (
        "{n} links held back: their lines address a model (prompt injection) and are never searched, planned or "
        "cited. See {where}.",
        "{n} 个链接已隔离：所在行是对模型下的指令（提示注入），不会被搜索、规划或引用。位置：{where}。",
    ),
    "lib_table": ("Table", "表格"),
    "lib_links": ("Links", "链接列表"),
    "lib_links_cap": ("first {n} shown; narrow the filter to see others", "只显示前 {n} 条，可缩小筛选范围"),
    "lib_col_title": ("Title", "标题"),
    "lib_col_url": ("Link", "链接"),
    "lib_col_kind": ("Kind", "类型"),
    "lib_col_topics": ("Topics", "主题"),
    "lib_col_sources": ("Sources", "来源"),
    "lib_col_status": ("Status", "状态"),
    "lib_upload": ("Add roadmaps or papers", "添加路线图或论文"),
    "lib_upload_help": (
        "Markdown roadmaps and PDF papers are checked as ingest reads them, then saved into your data dir and "
        "ingested; a file ingest cannot read is refused with the reason and never saved.",
        "Markdown 路线图和 PDF 论文会先按导入的规则检查，再保存到数据目录并导入；无法导入的文件会被拒绝并说明原因，不会保存。",
    ),
    "lib_uploader": (
        "Markdown ({kinds}) up to {md_mb} MB, PDF up to {pdf_mb} MB",
        "Markdown（{kinds}）最大 {md_mb} MB，PDF 最大 {pdf_mb} MB",
    ),
    "lib_save_ingest": ("Save and ingest", "保存并导入"),
    "lib_reingest": ("Re-ingest", "重新导入"),
    "lib_refused": ("Not saved: {name} — {why}", "未保存 {name}：{why}"),
    "lib_ingesting": ("Ingesting…", "导入中……"),
    "lib_stage": ("{stage}: {done}/{total}", "{stage}：{done}/{total}"),
    "lib_report": (
        "{files} files: {added} added, {updated} updated, {unchanged} unchanged, {removed} removed; "
        "{resources} resources ({seconds}s)",
        "{files} 个文件：新增 {added}，更新 {updated}，未变 {unchanged}，删除 {removed}；共 {resources} 条资料（{seconds} 秒）",
    ),
    "lib_errors": ("{n} problem(s) while reading files", "读取文件时有 {n} 个问题"),
    "lib_fetch": ("Fetch linked pages", "抓取链接的网页"),
    "lib_fetch_help": (
        "Download each linked page once (HTML, PDF, arXiv abstract) so search knows what a link is about. Later "
        "runs only ask whether a page changed. Off: nothing is downloaded.",
        "把每个链接的网页（HTML、PDF、arXiv 摘要）下载一次，让搜索知道链接讲的是什么；之后只询问网页是否有变化。关闭时不下载任何东西。",
    ),
    "lib_fetch_report": (
        "Pages: {fetched} fetched, {cached} unchanged, {failed} failed, {skipped} skipped ({seconds}s)",
        "网页：抓取 {fetched}，未变 {cached}，失败 {failed}，跳过 {skipped}（{seconds} 秒）",
    ),
    "lib_fetch_failures": ("{n} page(s) could not be fetched", "{n} 个网页未能抓取"),
    "lib_new_links": ("From your upload", "来自你上传的文件"),
    "lib_no_links": ("No links were found in {name}.", "{name} 里没有找到链接。"),
    "lib_no_match": ("Nothing matches these filters.", "没有符合筛选条件的资料。"),
    "lib_mark": ("Mark the selected rows", "标记选中的行"),
    "lib_select_hint": ("Select rows in the table to mark them.", "在表格中选择行即可标记。"),
    # the library's files, each removable (ui/library_page.py, Library.remove)
    "lib_upload_unread": (
        "{name} was saved, but ingest could not read it: {why}",
        "{name} 已保存，但导入无法读取：{why}",
    ),
    "lib_files_list": ("Files in the library ({n})", "资料库中的文件（{n}）"),
    "lib_files_none": ("No files yet: add a roadmap or a paper above.", "还没有文件：请在上方添加路线图或论文。"),
    "lib_file_uploaded": ("uploaded", "已上传"),
    "lib_file_in": ("in {folder}", "位于 {folder}"),
    "lib_file_resources": ("{n} resource(s)", "{n} 条资料"),
    "lib_file_refused": ("not in the library: {why}", "未导入：{why}"),
    "lib_file_pending": ("not ingested yet", "尚未导入"),
    "lib_remove": ("Remove", "移除"),
    "lib_remove_ask": (
        "Remove {name} from the library? Its {n} resource(s) go with it (those another file also lists stay), "
        "with their search entries and the topics learned from it. Your progress marks are kept.",
        "从资料库移除 {name}？其中的 {n} 条资料会一起移除（其他文件也列出的会保留），连同搜索索引和从它学到的主题。学习进度标记会保留。",
    ),
    "lib_remove_ask_stray": (
        "Delete {name} from your data dir? It was never in the library.",
        "从数据目录删除 {name}？它从未导入资料库。",
    ),
    "lib_remove_returns": (
        "{name} stays on disk in {folder}: the next re-ingest adds it again. Move or delete it there to keep it out.",
        "{name} 仍在磁盘上的 {folder} 中：下次重新导入会再次加入。要彻底移除，请在那里移动或删除它。",
    ),
    "lib_remove_yes": ("Yes, remove it", "确认移除"),
    "lib_remove_no": ("Cancel", "取消"),
    "lib_removing": ("Removing {name}…", "正在移除 {name}……"),
    "lib_removed": ("Removed {name}: {n} resource(s) went with it.", "已移除 {name}：{n} 条资料随之移除。"),
    "lib_removed_topics": ("Topics learned from it, gone too: {names}.", "从它学到的主题也已移除：{names}。"),
    "lib_removed_kept": (
        "{kept} resource(s) stay: other files list them too.",
        "{kept} 条资料保留：其他文件也列出了它们。",
    ),
    "lib_removed_stray": ("Deleted {name} from your data dir.", "已从数据目录删除 {name}。"),
}


def area_label(area: str) -> str:
    en, zh = AREA_NAMES.get(area, (area, area))
    return zh if lang() == "zh" else en


def lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, **fmt) -> str:
    en, zh = STRINGS[key]
    text = zh if lang() == "zh" else en
    return text.format(**fmt) if fmt else text


def kind_label(kind: str) -> str:
    """The kind as plain text (selectboxes, tables)."""
    return KIND_ZH.get(kind, kind) if lang() == "zh" else kind


def kind_badge(kind: str) -> str:
    """The kind as a coloured markdown badge with an icon: `:red-badge[:material/smart_display: video]`."""
    icon = KIND_ICONS.get(kind, "link")
    return f":{KIND_COLOURS.get(kind, 'gray')}-badge[:material/{icon}: {kind_label(kind)}]"


def status_label(status: str) -> str:
    return STATUS_ZH.get(status, status) if lang() == "zh" else status


def status_badge(status: str) -> str:
    icon = STATUS_ICONS.get(status, "radio_button_unchecked")
    return f":{STATUS_COLOURS.get(status, 'gray')}-badge[:material/{icon}: {status_label(status)}]"


def topic_label(topic) -> str:
    """ "name / zh" as the brief asks, or just the name where both are the same."""
    zh = getattr(topic, "zh", "") or ""
    return f"{topic.name} / {zh}" if zh and zh != topic.name else topic.name


def topic_description(topic) -> str:
    """The catalogue's description in the UI language ("" for a learned topic: it shows its evidence instead)."""
    return topic.describe(lang())


def learned_badge(topic) -> str:
    """A learned topic's mark: not curated, and where in the learner's roadmaps it was seen."""
    return f":violet-badge[:material/auto_awesome: {t('learned_badge', where=topic.file)}]"  # its file:line
