"""The assistant: route a question, build the deterministic answer, let the model (if any) write a short
grounded paragraph in front of it, and return only citations that are corpus URLs the answer used.

Importing this module loads code, not data (no torch, Chroma, bm25s or llama.cpp: tests/test_library.py):
the topic graph is built on the first question; the embedder, BM25 and Chroma load on the first `find` or
`search` (assistant/retrieval.py); the model when a question needs prose and a backend is configured.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import networkx as nx
from rapidfuzz import fuzz, process

from studygraph.assistant.answers import Answers, Draft
from studygraph.assistant.grounding import (
    STOP,
    build_chat_prompt,
    build_prompt,
    citation_grammar,
    clean_stream,
    sanitize_source_text,
)
from studygraph.assistant.intents import Intent, route, unknown_subject
from studygraph.assistant.llm import load_llm
from studygraph.assistant.payloads import ChitchatPayload, Payload
from studygraph.assistant.prompts import ProseJob, prose_job
from studygraph.assistant.prose_filter import CitedSource, ProseFilter
from studygraph.assistant.query import (
    Query,
    resource_lang_hint,
    resource_language,
    understand,
    wants_hint,
)
from studygraph.assistant.retrieval import Retriever, SearchResult, lexical_index, store_version
from studygraph.assistant.vocabulary import KnownWords
from studygraph.graph.build import build_graph
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.learned import library_catalogue
from studygraph.graph.matcher import normalise
from studygraph.graph.names import names_for
from studygraph.graph.plan import known_topics, status_map
from studygraph.graph.resolve import Resolver
from studygraph.graph.typos import Corrected
from studygraph.models import Resource
from studygraph.store.embedders import Deferred
from studygraph.store.meta import MetaStore

PROSE_INTENTS = ("plan", "next", "find", "explain")
CHAT_STOP = ["<sources>", "</sources>"]
PROMPT_MARGIN = 24  # tokens kept free between prompt + answer and n_ctx
FIND_PAGE = 5  # resources per find answer; "more" shows the next five
# Every page of a find slices one ranking of this many: the fused ranking depends on how deep each ranking is
# read (retrieval's `over`), so a deeper search for page 2 would reorder page 1 and show its resources again.
FIND_POOL = 30
TITLE_MATCH = 90  # rapidfuzz ratio of a question to a resource title for the question to *be* that title


@dataclass
class Citation:
    title: str
    url: str
    kind: str


@dataclass
class Answer:
    text: str  # prose (if any) + the deterministic answer
    payload: Payload = field(default_factory=ChitchatPayload)  # the intent's structured result, typed
    citations: list[Citation] = field(default_factory=list)
    intent: str = ""
    model: str = "none"
    prose: str = ""  # the model-written part alone, cleaned; "" without a model
    corrected: Corrected | None = None  # the question's typos corrected ("attension" -> "attention"), said first

    @property
    def structured(self) -> dict:
        """The payload as JSON data (`ask --json`'s "structured")."""
        return self.payload.to_dict()


def no_model_note(lang: str, reason: str) -> str:
    if reason == "no model configured":
        return "未配置模型：以下为确定性回答。" if lang == "zh" else "No model configured: deterministic answer."
    # A model is configured but cannot answer (missing file, server down, a remembered crash): say why.
    return (
        f"模型不可用：以下为确定性回答（{reason}）。"
        if lang == "zh"
        else f"No model available: deterministic answer ({reason})."
    )


def _started(pieces: Iterator[str], start: str) -> Iterator[str]:
    """The model's turn with its first words put back in front, once it has added something to them: what
    the filter judges and the learner reads is the whole sentence, and a model that adds nothing shows nothing."""
    for piece in pieces:
        if start and piece.strip():
            piece, start = start + piece, ""
        if not start:
            yield piece


def title_words(matcher, title: str) -> set[str]:
    """The topics the words of a title name when the whole title is a topic's name: "Attention Is All You Need"
    is the Transformer paper to the matcher, and it is about attention too (dev: "Attention Is All You Need [2]
    … discusses the importance of attention" was dropped as citing a source without attention). Plain
    everyday words alone ("Need") name nothing."""
    whole = normalise(title)
    if not any(m.start == 0 and m.end == len(whole) for m in matcher.find(title)):
        return set()
    words = title.split()
    parts = [" ".join(words[:k]) for k in range(1, len(words))] + [" ".join(words[k:]) for k in range(1, len(words))]
    return {m.topic for part in parts for m in matcher.find(part) if not m.everyday}


class Assistant:
    """Answers questions about one library: `ask` / `ask_stream` route a question to an intent, build the
    deterministic answer and let the model (if any) write grounded prose in front of it; `search` is the
    hybrid retrieval alone. One instance serves many threads (Streamlit sessions); everything heavy is
    loaded on first need, and renewed when an ingest commits a new library version.

    `llm`, `embedder` and `vectors` replace the configured components (tests pass a scripted model).
    """

    def __init__(self, settings, llm=None, embedder=None, vectors=None, library=None):
        self.settings = settings
        self._owner = library  # a studygraph.Library: its catalogue, graph and learner status are used
        self._llm = llm
        self._given = (embedder, vectors)  # the caller's: kept through close(), never closed here
        self._embedder, self._vectors = self._given_or_deferred()
        self._lock = threading.RLock()
        self._version = None
        self._meta = None
        self._tg = None
        self._resolver = None
        self._catalogue = None
        self._retriever = None
        self._corpus_urls: set[str] = set()
        self._titles = None  # (topic graph, {resource id: normalised title}) for questions that are a title
        self._words = None  # (topic graph, KnownWords): the library's and the catalogue's words

    def _given_or_deferred(self) -> tuple:
        """(query embedder, vectors): the given ones, else an embedder made on its first text. It outlives the
        retriever, which is renewed with each library version: a new version needs no new weights."""
        embedder, vectors = self._given
        return embedder or Deferred(self.settings.embedder, cache_dir=self.settings.models_dir), vectors

    def close(self) -> None:
        """Closes the store connection and lets go of the query embedder's weights (each memory-mapped array
        holds a file open) and the vectors; the next question opens them again. The model is the process's
        (assistant/local_llm.py keeps one worker per model) and stays."""
        with self._lock:
            if self._meta is not None:
                self._meta.close()
            self._meta = self._version = self._resolver = self._catalogue = None
            self._tg = self._retriever = self._titles = self._words = None
            self._embedder, self._vectors = self._given_or_deferred()

    # -- lazy parts -----------------------------------------------------------------------------------
    def _base(self):
        """(meta, resolver), renewed when an ingest has committed a new library version; with them the
        corpus URLs. All a search needs: no topic graph (a cold `search` stays fast). The store offers only
        resources outside the quarantine (store/meta.py), so neither the graph nor the retriever ever holds one."""
        with self._lock:
            if self._meta is None and self.settings.meta_path.exists():
                self._meta = MetaStore(self.settings.meta_path, readonly=True)
            version = store_version(self._meta) if self._meta else None
            if self._resolver is None or version != self._version:
                self._corpus_urls = self._meta.corpus_urls() if self._meta else set()
                self._catalogue = (
                    self._owner.catalogue if self._owner else library_catalogue(load_catalogue(), self._meta)
                )
                self._resolver, self._version = (
                    self._owner.resolver if self._owner else Resolver(self._catalogue),
                    version,
                )
                self._tg = self._retriever = None
            return self._meta, self._resolver

    def _library(self):
        """(meta, topic graph, resolver): the graph is built on first need per library version."""
        meta, resolver = self._base()
        with self._lock:
            if self._tg is None:
                self._tg = self._owner.graph if self._owner else build_graph(self._catalogue, meta)
            return meta, self._tg, resolver

    @property
    def retriever(self) -> Retriever | None:
        meta, _ = self._base()
        if meta is None:
            return None
        if self._retriever is None:
            names = {t.id: t.name for t in self._catalogue.topics.values()}
            broad = frozenset(t.id for t in self._catalogue.topics.values() if t.level == "meta")
            self._retriever = Retriever(
                self.settings,
                meta,
                self._embedder,
                self._vectors,
                names,
                broad_topics=broad,
                name_table=names_for(self._catalogue),
            )
        return self._retriever

    @property
    def search_warning(self) -> str | None:
        """What the last search could not use (the vector store missing, short or unavailable), else None."""
        return self._retriever.warning if self._retriever is not None else None

    @property
    def llm(self):
        with self._lock:
            if self._llm is None:
                self._llm = load_llm(self.settings)
            return self._llm

    # -- search -----------------------------------------------------------------------------------------
    def search(self, query: str | Query, k: int = 10, kind: str | None = None) -> list[SearchResult]:
        _, resolver = self._base()
        retriever = self.retriever
        if retriever is None:
            return []
        q = understand(query, resolver) if isinstance(query, str) else query
        return retriever.search(q, k=k, kind=kind)

    # -- ask --------------------------------------------------------------------------------------------
    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        answer, pieces = self.ask_stream(question, history)
        for _ in pieces:
            pass
        return answer

    def ask_stream(self, question: str, history: list[dict] | None = None) -> tuple[Answer, Iterator[str]]:
        meta, tg, resolver = self._library()
        intent = self._titled(route(question, resolver, history), tg)
        draft = self._draft(intent, meta, tg)
        answer = Answer(text="", payload=draft.payload, intent=draft.intent, corrected=intent.corrected)
        llm = self.llm
        reason = getattr(llm, "reason", None)
        answer.model = "none" if reason is not None else llm.name
        return answer, self._stream(answer, intent, draft, llm, reason, history)

    def _draft(self, intent: Intent, meta, tg) -> Draft:
        known, learning = known_topics(tg, meta) if meta else (set(), set())
        if self._owner is not None:  # what the learner knows, counted as on every other surface
            status = self._owner.learner()
            known, learning = set(status.done), set(status.learning)
        answers = Answers(tg, known, learning, status_map(known, learning))
        name = intent.name
        if name == "why":  # about the answer before: drafted again, with what the conversation knows now
            return answers.why(intent, self._context_draft(intent, meta, tg))
        if name == "next" and intent.followup == "after" and intent.context and intent.context.name == "next":
            # "after that?" after a next answer: after its first suggestion.
            before = self._context_draft(intent, meta, tg).payload
            intent = replace(intent, topics=[before.topics[0].id] if getattr(before, "topics", None) else [])
        if name == "plan" and intent.order:  # which of two topics first: their order in the graph
            return answers.order(intent)
        if name == "plan" and intent.missing:  # a subject the map lacks: say so, and search the library for it
            return answers.missing_plan(
                intent,
                self._resolver.closest(intent.missing),
                [r for r in self.search(intent.missing, k=5) if r.matched],
            )
        if name == "plan":
            return answers.plan(intent)
        if name == "next":
            return answers.next(intent)
        if name == "explain" and intent.compare:
            return answers.compare(intent)
        if name == "explain":  # a subject the map lacks is said to be missing, its matched name only the closest
            if intent.missing and unknown_subject(intent.raw, self._resolver, self._known_words(meta, tg)):
                return answers.missing_explain(intent)
            return answers.explain(replace(intent, missing=None))
        if name == "quiz":
            questions = [dict(q) for q in meta.questions()] if meta else []
            return answers.quiz(intent, questions)
        if name == "progress":
            return answers.progress(intent, [] if intent.report else self._named_resources(intent, tg))
        if name == "find":
            return answers.find(intent, self._find(intent, tg))
        return answers.chitchat(intent)

    def _context_draft(self, intent: Intent, meta, tg) -> Draft | None:
        """The answer a follow-up is about, drafted again from its own intent (routing is stateless)."""
        if intent.context is None:
            return None
        # In the follow-up's language ("why?" in English after a Chinese plan is answered in English).
        context = replace(intent.context, known=intent.known, known_areas=intent.known_areas, lang=intent.lang)
        return self._draft(context, meta, tg)

    def _known_words(self, meta, tg) -> KnownWords:
        """The words the library's texts and the catalogue use, once per library version: what routing's
        candidate "not in the topic map" subject is checked against (the BM25 index's vocabulary, from its
        on-disk cache after the first search; built with it otherwise)."""
        with self._lock:
            if self._words is None or self._words[0] is not tg:
                lex = lexical_index(meta) if meta else None
                vocabulary = lex.bm25.vocab if lex else {}
                self._words = (tg, KnownWords(vocabulary, tg.catalogue, lex.cut if lex else None))
            return self._words[1]

    def _titled(self, intent: Intent, tg) -> Intent:
        """A question that is a resource's title ("PyTorch Geometric docs") asks for that resource: a find with
        it first, not an explanation of a topic its title happens to name."""
        if intent.followup or intent.name not in ("explain", "find", "chitchat"):
            return intent
        text = normalise(intent.raw)
        if len(text) < 6 or text in self._resolver.matcher.by_alias:  # a topic's own name ("InstructGPT") asks about it
            return intent
        with self._lock:  # the titles of this graph's resources, normalised once per library version
            if self._titles is None or self._titles[0] is not tg:
                self._titles = (tg, {r.id: normalise(r.title) for r in tg.resources.values()})
            titles = self._titles[1]
        best = process.extractOne(text, titles, scorer=fuzz.ratio, score_cutoff=TITLE_MATCH)
        return replace(intent, name="find", titled=best[2]) if best else intent

    def _find(self, intent: Intent, tg) -> list[SearchResult]:
        text = intent.raw
        if intent.followup:  # "give me a video instead" / "more": search the previous subject
            names = " ".join(tg.catalogue.topics[t].name for t in intent.topics if t in tg.catalogue.topics)
            text = intent.subject or names or text
        lang = intent.resource_lang or resource_lang_hint(intent.raw)
        q = Query(text, intent.lang, list(intent.topics), intent.kind, wants_hint(intent.raw), intent.corrected, lang)
        end = FIND_PAGE * intent.page
        # Only results with evidence (retrieval.Evidence): a question that matches nothing gets "nothing
        # matches", not a ranking of whatever is least far from it for the prose to describe.
        results = [r for r in self.search(q, k=FIND_POOL) if r.matched]
        if intent.resource_lang:  # "中文的" after a search: only resources in that language (their titles')
            results = [r for r in results if resource_language(r.resource.title) == intent.resource_lang]
        if intent.kind:
            # The asked-for kind first; other kinds only to fill up when the library has too few.
            same = [r for r in results if r.resource.kind == intent.kind]
            results = same + [r for r in results if r.resource.kind != intent.kind] if len(same) < 3 else same
        if intent.titled and intent.titled in tg.resources:
            hit = next((r for r in results if r.resource.id == intent.titled), None)
            hit = hit or SearchResult(tg.resources[intent.titled], 1.0, list(tg.resources[intent.titled].topics))
            results = [hit] + [r for r in results if r is not hit]
        subjects = {t for t in intent.topics if t in tg.catalogue.topics and tg.catalogue.topics[t].level != "meta"}
        if intent.page > 1 and subjects:
            # "more" is more on the subject: past the first page, only resources about it, not the ranking's filler.
            about = [r for r in results[FIND_PAGE:] if subjects & set(r.resource.topics or r.topics)]
            return about[end - 2 * FIND_PAGE : end - FIND_PAGE]
        return results[end - FIND_PAGE : end]

    def _named_resources(self, intent: Intent, tg) -> list[Resource]:
        """Resources the learner names by title ("I finished The Illustrated Transformer")."""
        text = intent.raw.casefold()
        hits = []
        for r in tg.resources.values():
            title = r.title.casefold()
            if len(title) >= 8 and fuzz.partial_ratio(title, text) >= 92:
                hits.append(r)
        return hits[:3]

    # -- generation -------------------------------------------------------------------------------------
    def _allowed_topics(self, draft: Draft, intent: Intent, tg) -> set[str]:
        """Topics the prose may name: those of the answer, and everything the asked-about topics build on."""
        allowed = set(intent.topics) | draft.payload.topic_ids()
        allowed |= {a for t in intent.topics if t in tg.plan_graph for a in nx.ancestors(tg.plan_graph, t)}
        for r in draft.resources:
            allowed |= set(r.topics)
        return allowed

    def _stream(
        self, answer: Answer, intent: Intent, draft: Draft, llm, reason: str | None, history: list[dict] | None = None
    ) -> Iterator[str]:
        parts: list[str] = []
        cited: set[int] = set()
        n_sources = 0
        if intent.corrected:  # "Showing results for gradient checkpointing (corrected: ...)" before anything else
            notice = intent.corrected.notice + "\n\n"
            parts.append(notice)
            yield notice
        if reason is not None:
            note = no_model_note(intent.lang, reason) + "\n\n"
            parts.append(note)
            yield note
        elif (
            draft.lead
            and intent.name in PROSE_INTENTS
            and (job := prose_job(intent.name, intent.lang, draft.job))
            and (draft.sources or not job.needs_sources)
        ):
            budget = min(self.settings.prompt_tokens, self.settings.n_ctx - self.settings.max_tokens - PROMPT_MARGIN)
            prose: list[str] = []
            try:
                start = job.start_for(draft.payload, draft.subject) if getattr(llm, "starts_answer", False) else ""
                pieces, n_sources, lead = self._generate(llm, intent, draft, history, budget, job, start)
                keep = self._prose_filter(draft, intent, job, n_sources, start)
                for piece in clean_stream(pieces, n_sources, self._corpus_urls, cited, keep):
                    if not prose:  # the lead-in only once the model has added something to it
                        if not piece.strip():
                            continue
                        # The model's own end of the lead-in's sentence may have been dropped: close it.
                        if lead:
                            piece = lead + (piece if piece[:1] in " ,.;:，。；：" else ". " + piece)
                    prose.append(piece)
                    yield piece
                if prose:
                    answer.prose = "".join(prose).strip()
                    end = "\n\n"
                    parts.append(answer.prose + end)
                    yield end
            except Exception as exc:  # noqa: BLE001 - the model failed mid-way: the structured answer still stands
                line = " ".join(str(exc).split())[:200] or exc.__class__.__name__
                note = (
                    ("\n\n" if prose else "")
                    + (
                        "模型出错，以下为确定性回答"
                        if intent.lang == "zh"
                        else "The model failed; deterministic answer below"
                    )
                    + f" ({line}).\n\n"
                )
                parts.append(note)
                answer.model = "none"
                answer.prose = ""
                yield note
        yield draft.text
        parts.append(draft.text)
        answer.text = "".join(parts).strip()
        answer.citations = self._citations(draft, prompt_sources=draft.sources[:n_sources], cited=cited)

    def _prose_filter(
        self, draft: Draft, intent: Intent, job: ProseJob, n_sources: int, start: str = ""
    ) -> ProseFilter:
        """The judge of this answer's prose (assistant/prose_filter.py): what it must not restate, repeat,
        leak or cite wrongly, and which topics it may name."""
        tg, matcher = self._tg, self._resolver.matcher
        # The answer's topics and what its facts name ("it opens up: KV cache, …"): the model was given those.
        allowed = self._allowed_topics(draft, intent, tg) | set(matcher.topics(" ".join(draft.facts)))
        names = {
            n
            for t in allowed
            if t in tg.catalogue.topics
            for n in (tg.catalogue.topics[t].name, tg.catalogue.topics[t].zh)
        }
        names |= {r.title for r in draft.resources} | {s.title for s in draft.sources}
        # "建议" (suggest) is an alias of study methods: a meta topic named in passing is no subject of the prose.
        meta_topics = {t.id for t in tg.catalogue.topics.values() if t.level == "meta"}
        # A source carries what the prompt showed of it (its title and text as sanitised, no link: a URL's slug
        # "…transfer_learning_in_nlp.html" let a sentence on transfer learning cite a page the model saw as
        # "Bert的应用：") and what the library tags it with; tests/prose_eval.py judges [n] on the same footing.
        sources = [
            CitedSource(
                s.title,
                set(s.topics)
                | set(matcher.topics(f"{s.title} {sanitize_source_text(s.text)}"))
                | title_words(matcher, s.title),
            )
            for s in draft.sources[:n_sources]
        ]
        return ProseFilter(
            lang=intent.lang,
            answer_lines=draft.text.splitlines(),
            rules=[job.format_rules],
            names=names,
            sources=sources,
            topics_of=lambda text: [t for t in matcher.topics(text) if t not in meta_topics],
            allowed=allowed,
            max_sentences=job.max_sentences,
            titles={r.title for r in draft.resources} | {s.title for s in draft.sources},
            facts=draft.facts,
            start=start,
            ours=[s.line(s.ours) for s in draft.sources[:n_sources] if s.ours],
            # A find sentence describes a resource for the asked topic: that is what it is about when it names it.
            subjects={t for t in intent.topics if t not in meta_topics} if intent.name == "find" else set(),
        )

    def _generate(
        self, llm, intent: Intent, draft: Draft, history: list[dict] | None, budget: int, job: ProseJob, start: str = ""
    ):
        """(the model's raw pieces, how many sources it was given, the lead-in to put in front of them).

        An instruct model answers through its chat template, the earlier turns included, with the intent's
        own job (assistant/prompts.py), its turn begun with `start` where the model allows it (prompts.py says
        why); a base model continues a document that ends in the lead-in ("To learn RLHF, start with")."""
        grammar = getattr(llm, "supports_grammar", False)
        max_tokens = min(self.settings.max_tokens, job.max_tokens)
        if getattr(llm, "chat", False):
            chat = build_chat_prompt(
                intent.raw,
                draft.facts,
                draft.sources,
                history,
                llm.count_tokens,
                budget,
                intent.lang,
                rules=job.rules,
                ask=job.ask,
            )
            n = len(chat.sources)
            cite = citation_grammar(n) if grammar else None
            if not start:
                return llm.chat_stream(chat.messages, max_tokens, CHAT_STOP, cite), n, ""
            return _started(llm.chat_stream(chat.messages, max_tokens, CHAT_STOP, cite, start=start), start), n, ""
        prompt = build_prompt(intent.raw, draft.lead, draft.facts, draft.sources, llm.count_tokens, budget, intent.lang)
        n = len(prompt.sources)
        return llm.stream(prompt.text, max_tokens, STOP, citation_grammar(n) if grammar else None), n, draft.lead

    def _citations(self, draft: Draft, prompt_sources, cited: set[int]) -> list[Citation]:
        """Corpus URLs only, and only sources the answer used: linked in the text or cited as [n]; a prompt source
        without a web address (a book on a roadmap line) by its title, where it is cited or in the answer's list."""
        out: dict[str, Citation] = {}
        # The prompt's sources first, in their [n] order: the chat numbers the citations from 1, so the n-th
        # citation must be the source the prose calls [n].
        linked = {r.url for r in draft.resources if r.url}
        listed = {(r.title, r.kind) for r in draft.resources if not r.url}
        for i, s in enumerate(prompt_sources, 1):
            if s.url and (i in cited or s.url in linked) and s.url in self._corpus_urls:
                out.setdefault(s.url, Citation(s.title, s.url, s.kind))
            elif not s.url and (i in cited or (s.title, s.kind) in listed):
                out.setdefault(f"title:{s.title}", Citation(s.title, "", s.kind))
        for r in draft.resources:
            if r.url and r.url in self._corpus_urls:
                out.setdefault(r.url, Citation(r.title, r.url, r.kind))
        return list(out.values())
