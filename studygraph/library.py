"""`Library`: the study graph as a component. The CLI, the app, the MCP server (and any other program) call
this and nothing below it.

It owns the store (a read-only MetaStore, and a short-lived writable one for progress and reviews), one
catalogue / topic graph / resolver per library version, what the learner knows (`learner`, the one
function every surface uses), and the only lazy loading: the assistant — with it the embedder, the vectors
and the model — is made on first `search` or `ask`; `ingest` imports the pipeline (and torch) when called.
The quarantine is the store's (store/meta.py `resources()`): nothing here reads resources another way.

    from studygraph import Library
    lib = Library.open()
    lib.plan("RLHF").to_dict()
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from studygraph.assistant.payloads import payload_from_dict
from studygraph.assistant.query import understand
from studygraph.config import Settings, load_settings
from studygraph.errors import CliError, DataDirError, FileProblem
from studygraph.graph.build import TopicGraph, build_graph
from studygraph.graph.catalogue import Catalogue, load_catalogue
from studygraph.graph.learned import library_catalogue
from studygraph.graph.plan import (
    display_edges,
    explain_path,
    known_topics,
    learning_plan,
    next_topics,
    pick_resources,
    status_map,
)
from studygraph.graph.resolve import Resolver
from studygraph.graph.schedule import plan_ics, weekly_plan
from studygraph.ingest.files import MB, PDF_SUFFIXES, SUPPORTED, discover, display_path, read_bytes, size_limit
from studygraph.ingest.urls import normalize_url
from studygraph.models import AREA_PRESETS, STATUSES, topic_key, topic_marks
from studygraph.results import (
    AskResult,
    Citation,
    Conversation,
    ConversationInfo,
    Edge,
    GradeResult,
    GraphResult,
    IngestResult,
    LearnerStatus,
    LibraryFile,
    LibraryRow,
    MarkResult,
    Named,
    NextItem,
    NextResult,
    PlanResult,
    RemoveResult,
    ResolveResult,
    ResourceRef,
    ReviewList,
    SearchHit,
    SearchResult,
    SourceRef,
    Stats,
    Turn,
    UploadLimits,
    WhyResult,
)
from studygraph.store.conversations import ConversationStore
from studygraph.store.meta import MetaStore
from studygraph.store.review import RATINGS, ReviewStore, card_sources

ECHO_CHARS = 80  # of a user's input quoted back in an error: a 100 KB goal name is not worth printing
# A conversation's earlier messages passed to `ask`: all of them. Routing reads the whole conversation ("I know X"
# said 60 turns back still counts; a turn routes in well under a millisecond); the model's prompt keeps only the
# last few that fit its budget (assistant/grounding.py HISTORY_TURNS, build_chat_prompt).
HISTORY_TURNS: int | None = None


class NoLibrary(CliError):
    """The data dir holds no committed library (never ingested, or meta.sqlite deleted)."""

    def __init__(self, data_dir: Path):
        super().__init__(f"no library in {data_dir} yet: run `studygraph ingest` first", 1)


class UnknownConversation(CliError):
    def __init__(self, conversation_id: str):
        super().__init__(f"no conversation {shown(conversation_id)}; `Library.conversations()` lists them", 1)


class UnknownTopic(CliError):
    """A name that matches no topic, or only one close to it: a near miss is never used silently."""

    def __init__(self, message: str, closest: list[Named]):
        super().__init__(message, 1)
        self.closest = closest


def shown(text: str, limit: int = ECHO_CHARS) -> str:
    """User input as an error message quotes it: one line, cut to `limit` characters with an ellipsis."""
    flat = " ".join(str(text).split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


class Library:
    """One data dir's library. Thread-safe for reads (the app shares one per process); renewed on its own
    when an ingest — in this process or another — commits a new version."""

    def __init__(self, settings: Settings, *, llm=None, embedder=None, vectors=None):
        self.settings = settings
        self._llm, self._embedder, self._vectors = llm, embedder, vectors
        self._lock = threading.RLock()
        self._meta: MetaStore | None = None
        self._version: tuple | None = None
        self._catalogue: Catalogue | None = None
        self._graph: TopicGraph | None = None
        self._resolver: Resolver | None = None
        self._assistant = None
        self._ingest_embedder = None  # a query needs no torch: the assistant keeps its own unless one is given
        self._conversation_store = None

    @classmethod
    def open(cls, data_dir: str | Path | None = None, *, llm=None, embedder=None, **settings) -> Library:
        """The library in `data_dir` (default: STUDYGRAPH_DATA_DIR, else a per-user dir); `settings` override
        config.toml and the environment (`llm_backend="none"`, `corpus_dirs=[...]`, ...). `llm` and
        `embedder` replace the configured ones (tests pass a scripted model)."""
        return cls(load_settings(data_dir=Path(data_dir) if data_dir else None, **settings), llm=llm, embedder=embedder)

    # -- the store and what is built from it, once per library version ---------------------------------
    @property
    def has_library(self) -> bool:
        """True once an ingest has committed (a failed first ingest can leave an empty meta.sqlite behind)."""
        meta = self._store()
        return meta is not None and meta.get_meta("ingested_at") is not None

    @property
    def version(self) -> str:
        """Changes whenever an ingest commits (or the catalogue changes); "" without a library."""
        meta = self._store()
        if meta is None:
            return ""
        return "|".join(meta.get_meta(k) or "" for k in ("ingested_at", "library_version", "catalogue"))

    def _store(self) -> MetaStore | None:
        with self._lock:
            if self._meta is None and self.settings.meta_path.is_file():
                self._meta = MetaStore(self.settings.meta_path, readonly=True)
            return self._meta

    def _current(self) -> MetaStore | None:
        """The store, with the per-version parts dropped when an ingest committed since they were built."""
        with self._lock:
            meta = self._store()
            version = self.version
            if version != self._version:
                self._catalogue = self._graph = self._resolver = None
                self._version = version
            return meta

    def _require(self) -> MetaStore:
        if not self.has_library:
            raise NoLibrary(self.settings.data_dir)
        return self._current()

    @property
    def catalogue(self) -> Catalogue:
        """The curated catalogue plus the topics learned from the library (no graph built: resolve is quick)."""
        with self._lock:
            meta = self._current()
            if self._catalogue is None:
                self._catalogue = library_catalogue(load_catalogue(), meta)
            return self._catalogue

    @property
    def graph(self) -> TopicGraph:
        with self._lock:
            catalogue = self.catalogue
            if self._graph is None:
                self._graph = build_graph(catalogue, self._meta)
            return self._graph

    @property
    def resolver(self) -> Resolver:
        with self._lock:
            catalogue = self.catalogue
            if self._resolver is None:
                self._resolver = Resolver(catalogue)
            return self._resolver

    @property
    def assistant(self):
        """The assistant (intent routing, retrieval, generation); the embedder, vectors and model load inside
        it on first need."""
        with self._lock:
            if self._assistant is None:
                # The search/ask stack (numpy, the retrieval code, ~60 ms) loads with the first search or
                # question: the graph commands never need it.
                from studygraph.assistant.engine import Assistant

                self._assistant = Assistant(
                    self.settings, llm=self._llm, embedder=self._embedder, vectors=self._vectors, library=self
                )
            return self._assistant

    @property
    def embedder(self):
        """The ingest embedder of the `embedder` setting, kept for the next ingest. It is made (its libraries
        imported, torch where it needs it) on the first text embedded, never before: a re-ingest with nothing
        to embed loads none of it."""
        with self._lock:
            if self._ingest_embedder is None:
                from studygraph.store.embedders import Deferred  # ingest only

                s = self.settings
                self._ingest_embedder = self._embedder or Deferred(
                    s.embedder, ingest=True, batch_size=s.embed_batch_size, cache_dir=s.models_dir
                )
            return self._ingest_embedder

    def close(self) -> None:
        """Closes what the library holds open: its SQLite connections, the assistant's, the query embedder's
        memory-mapped weights. A process that opens library after library (a test suite, a server per learner)
        keeps a bounded number of files open; a library used after close() opens them again."""
        with self._lock:
            if self._assistant is not None:
                self._assistant.close()
            for held in (self._conversation_store, self._meta):
                if held is not None:
                    held.close()
            self._assistant = self._conversation_store = self._meta = None
            self._version = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _writable(self) -> MetaStore:
        self._require()
        return MetaStore(self.settings.meta_path, readonly=False)

    # -- topics -------------------------------------------------------------------------------------------
    def resolve(self, name: str) -> ResolveResult:
        resolver = self.resolver
        hit = resolver.resolve(name)
        topic = resolver.catalogue.topics[hit.id] if hit else None
        return ResolveResult(
            query=name,
            id=hit.id if hit else None,
            name=hit.name if hit else None,
            score=hit.score if hit else 0.0,
            how=hit.how if hit else "none",
            confident=bool(hit and hit.confident),
            learned=bool(topic and topic.learned),
            description=topic.description if topic else "",
            description_zh=topic.description_zh if topic else "",
            closest=[Named(t, n) for t, n in resolver.closest_to(name, hit)],
            corrected=hit.corrected.to_dict() if hit and hit.corrected else None,
        )

    def _sure(self, name: str) -> ResolveResult:
        """`name` resolved, what was corrected in it included; UnknownTopic naming the closest ones unless sure."""
        hit = self.resolve(name)
        if hit.confident:
            return hit
        closest = ", ".join(f"{c.name} ({c.id})" for c in hit.closest)
        if hit.id is None:
            message = f"no topic matches {shown(name)}; closest: {closest}; try `studygraph graph` to list topics"
        else:
            message = f"{shown(name)} is not in the topic map; closest: {closest}"
        raise UnknownTopic(message, hit.closest)

    def areas_named(self, name: str) -> tuple[str, ...]:
        """The areas `name` means as a whole ("deep learning", "深度学习": models.AREA_PRESETS), else ()."""
        areas = AREA_PRESETS.get(" ".join(name.split()).casefold(), ())
        return tuple(a for a in areas if a in self.catalogue.areas)

    def _known(self, names: Iterable[str]) -> tuple[set[str], list[dict]]:
        """Topic ids for what a learner says they know: a whole area where a name is an area's ("deep
        learning" is every deep-learning topic, as the Path page's chip says), else the topic it names; and
        what was corrected in the names to find them (graph/typos.py Corrected.to_dict each), to be said."""
        out: set[str] = set()
        fixed: list[dict] = []
        for name in filter(None, (str(n).strip() for n in names)):
            if name in self.catalogue.topics:
                out.add(name)
            elif areas := self.areas_named(name):
                out.update(t for a in areas for t in self.catalogue.areas[a])
            else:
                hit = self._sure(name)
                out.add(hit.id)
                fixed += [hit.corrected] if hit.corrected else []
        return out, fixed

    def learner(self, known: Iterable[str] = ()) -> LearnerStatus:
        """What the learner knows: `known` (names, ids or areas, see _known) plus marks, finished
        resources and review cards. The one function for it: path, next, ask and every page use it."""
        return self._learner(*self._known(known))

    def _learner(self, given: set[str], corrected: list[dict]) -> LearnerStatus:
        meta = self._current()
        tg = self.graph
        done, learning = known_topics(tg, meta) if self.has_library else (set(), set())
        done |= given
        skipped = {t for t, v in topic_marks(meta.progress()).items() if v == "skipped"} if self.has_library else set()
        topics = set(tg.catalogue.topics)
        return LearnerStatus(sorted(done), sorted(learning - done), sorted(skipped & topics), corrected)

    def plan(
        self,
        goal: str,
        known: Iterable[str] = (),
        *,
        hours_per_week: float | None = None,
        start: dt.date | None = None,
        only_given: bool = False,
    ) -> PlanResult:
        """Every prerequisite of `goal` in learning order, minus what the learner knows; with
        `hours_per_week`, also in dated weeks from `start` (default today). `only_given`: leave out only
        the `known` given (the Path page's "I already know" list, which starts as the learner's marks), so a
        step marked done on the page stays in it, shown done."""
        goal_hit = self._sure(goal)
        goal_id = goal_hit.id
        given, fixed = self._known(known)
        status = self._learner(given, fixed)
        done = given if only_given else set(status.done)
        plan = learning_plan(self.graph, goal_id, done, status_map(set(status.done), set(status.learning)))
        result = PlanResult.of(plan)  # the same payload as a plan answer of `ask`, every resource listed
        result.plan = plan  # the graph's own Plan, for drawing it and the calendar
        result.week_objects = []
        result.corrected = goal_hit.corrected  # the goal's typos, said beside the plan ("RHLF")
        result.known_corrected = status.corrected  # and the known names' ("--known transfomer")
        if hours_per_week is not None:
            self.schedule(result, hours_per_week, start)
        return result

    def schedule(self, result: PlanResult, hours_per_week: float, start: dt.date | None = None) -> PlanResult:
        """The plan in dated weeks of `hours_per_week` hours from `start` (default today); a step longer
        than what is left of a week is split (graph/schedule.py)."""
        result.week_objects = weekly_plan(result.plan, hours_per_week, start or dt.date.today())
        result.weeks = [w.to_dict() for w in result.week_objects]
        result.hours_per_week = hours_per_week
        return result

    def display_edges(self, nodes: set[str] | None = None) -> list[tuple[str, str]]:
        """What a drawing of the plan graph (or of `nodes`) shows: its transitive reduction."""
        return display_edges(self.graph, nodes)

    def plan_ics(self, result: PlanResult) -> bytes:
        """The weeks of a plan made with `hours_per_week` as an .ics calendar (all-day study blocks)."""
        return plan_ics(result.plan, result.week_objects)

    def next(self, known: Iterable[str] = (), k: int = 5) -> NextResult:
        """What to learn next: frontier topics ranked by what they unlock and what the learner is doing."""
        status = self.learner(known)
        tg = self.graph
        ranked = next_topics(tg, set(status.done), set(status.learning), k)
        items = [
            NextItem(
                n.topic.id,
                n.topic.name,
                n.topic.zh,
                n.score,
                n.why,
                [ResourceRef.of(r) for r in pick_resources(tg, n.topic.id)],
                n.topic.learned,
            )
            for n in ranked
        ]
        return NextResult(items, status.corrected)

    def why(self, source: str, target: str) -> WhyResult:
        """Why `source` comes before `target`: the path and each edge's evidence, or why not."""
        hits = [self._sure(source), self._sure(target)]
        a, b = (hit.id for hit in hits)
        data = explain_path(self.graph, a, b)
        fixed = [hit.corrected for hit in hits if hit.corrected]
        edges = [Edge(**e) for e in data["edges"]]
        return WhyResult(a, b, data["path"], edges, data["reverse"], data["required"] and bool(edges), fixed)

    def topic_graph(self) -> GraphResult:
        """The whole prerequisite graph (source -> target: source is a prerequisite of target)."""
        tg = self.graph
        return GraphResult(
            [t.to_dict() for t in tg.catalogue.topics.values()],
            [Edge(u, v, round(d["weight"], 3), d["kind"], d["evidence"]) for u, v, d in tg.graph.edges(data=True)],
        )

    def resources_for(self, topic_id: str, limit: int = 3) -> list[ResourceRef]:
        """A topic's best few resources, mixing kinds (what a plan step lists)."""
        return [ResourceRef.of(r) for r in pick_resources(self.graph, topic_id, limit)]

    # -- the library --------------------------------------------------------------------------------------
    def resources(self) -> list[LibraryRow]:
        """Every resource with kind, topics, sources and status; those held back by the prompt-injection
        quarantine last, status "quarantined": listed so nothing disappears silently, never offered."""
        meta = self._require()
        progress = meta.progress()

        def row(r, held: bool) -> LibraryRow:
            return LibraryRow(
                r.id,
                r.title,
                r.url,
                r.kind,
                list(r.topics),
                [SourceRef(s.file, s.line, s.heading) for s in r.sources],
                "quarantined" if held else progress.get(r.id) or ("done" if r.done else "todo"),
                held,
            )

        return [row(r, False) for r in meta.resources()] + [row(r, True) for r in meta.quarantined()]

    def resources_urls(self) -> set[str]:
        """The URLs the library offers (the only ones an answer may cite)."""
        meta = self._current()
        return meta.corpus_urls() if self.has_library else set()

    def held_back(self) -> list[str]:
        """Where the quarantined resources were seen ("file:line")."""
        meta = self._current()
        if not self.has_library:
            return []
        seen = sorted((r.sources[0].file, r.sources[0].line) for r in meta.quarantined() if r.sources)
        return [f"{file}:{line}" for file, line in seen]

    def progress(self) -> dict[str, str]:
        """The learner's marks: {topic:<id> or resource id: status}."""
        return self._current().progress() if self.has_library else {}

    def stats(self) -> Stats:
        meta = self._require()
        tg = self.graph
        return Stats(
            **meta.counts(),
            quarantined=len(meta.quarantined()),
            topics=len(tg.catalogue.topics),
            edges=tg.graph.number_of_edges(),
            curated_edges=len(tg.catalogue.prereqs),
            learned_topics=sum(t.learned for t in tg.catalogue.topics.values()),
            data_dir=str(self.settings.data_dir),
        )

    def mark(self, items: Iterable[str], status: str = "done") -> MarkResult:
        """Progress on topics (names or ids) or resources (ids, or a URL in any form ingest folds into the
        resource's); it survives every re-ingest. Nothing is written unless every item is found."""
        if status not in STATUSES:
            raise CliError(f"status must be one of {', '.join(STATUSES)}")
        meta = self._require()
        resources = meta.resources()
        by_url = {r.url: r.id for r in resources if r.url}
        ids = {r.id for r in resources}
        keys, fixed = [], []
        for item in items:
            url = normalize_url(item)
            if item in ids:
                keys.append(item)
            elif url is not None and url in by_url:
                keys.append(by_url[url])
            elif url is not None:
                raise CliError(f"no resource in the library has the URL {shown(item)}; see `studygraph library`", 1)
            else:
                hit = self._sure(item)
                keys.append(topic_key(hit.id))
                fixed += [hit.corrected] if hit.corrected else []
        self.set_progress(keys, status)
        return MarkResult(keys, status, fixed)

    def set_progress(self, keys: Iterable[str], status: str) -> None:
        """Marks by progress key (topic:<id> or a resource id), as the app's buttons give them."""
        writable = self._writable()
        try:
            writable.set_progress(list(keys), status)
        finally:
            writable.close()

    # -- ingest, search, ask ------------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[Path] | None = None,
        fetch: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> IngestResult:
        """Ingest `paths` (default: the corpus dirs and uploads) incrementally; `fetch` also reads the
        linked pages. Per-file errors are in the result; the library is renewed for the next call."""
        # The pipeline (markdown-it, the embedder, Chroma) loads only for an ingest.
        from studygraph.ingest.pipeline import ingest as run_ingest

        paths = [Path(p) for p in paths] if paths else None
        if paths and not any(p.exists() or p.is_symlink() for p in paths):
            raise CliError("no such file or directory: " + ", ".join(shown(str(p)) for p in paths), 1)
        report = run_ingest(
            self.settings, paths, progress=progress, embedder=self.embedder, fetch=fetch, on_wait=on_wait
        )
        return IngestResult(report, self.held_back())

    def display_path(self, path: Path) -> str:
        """A file as reports name it: relative to the repo or the data dir where it lies under one."""
        return display_path(Path(path), self.settings.data_dir)

    def search(self, query: str, k: int = 10, kind: str | None = None) -> SearchResult:
        """Hybrid search (dense + BM25), one result per resource, with what was corrected in the query and
        what the search could not use (`warning`); it reads as its list of hits (no hits: the vector store
        is missing, see `warning`)."""
        self._require()
        # Understood here, once: the topic boost searches the corrected query, and the result says what it read.
        understood = understand(query, self.resolver)
        results = self.assistant.search(understood, k=k, kind=kind)
        hits = [
            SearchHit(
                r.resource.id,
                r.resource.title,
                r.resource.url,
                r.resource.kind,
                round(r.score, 4),
                list(r.topics),
                r.source,
                r.snippet,
                r.matched,
            )
            for r in results
        ]
        fixed = understood.corrected
        return SearchResult(query, hits, fixed.to_dict() if fixed else None, self.search_warning)

    @property
    def search_warning(self) -> str | None:
        """What the last search could not use (the vector store missing, short or unavailable), else None."""
        return self._assistant.search_warning if self._assistant is not None else None

    def ask(self, question: str, history: list[dict] | None = None) -> AskResult:
        answer = self.assistant.ask(question, history)
        return AskResult.of(answer, self.search_warning)

    def ask_stream(self, question: str, history: list[dict] | None = None) -> tuple[object, Iterator[str]]:
        """(the Answer, filled in once the pieces are spent; the pieces of text as they come)."""
        return self.assistant.ask_stream(question, history)

    # -- files: what an upload may be, the library's files, removing one ------------------------------
    @staticmethod
    def upload_limits() -> UploadLimits:
        """The kinds of file ingest reads and its size limit for each: what an uploader should accept."""

        suffixes = sorted(SUPPORTED)
        return UploadLimits(suffixes, {s: size_limit(f"file{s}") // MB for s in suffixes})

    @staticmethod
    def check_upload(name: str, data: bytes) -> str | None:
        """Why ingest would refuse a file named `name` holding `data` (too big, binary, not UTF-8, an
        unreadable PDF), else None: the same checks and parse ingest runs, before anything is saved."""
        from studygraph.ingest.pipeline import check_content

        try:
            check_content(name, data)
        except FileProblem as exc:
            return f"{exc} (line {exc.line})" if exc.line else str(exc)
        return None

    def files(self) -> list[LibraryFile]:
        """The library's files, then any file in the upload corpus that ingest has not taken (with the
        reason it refuses it): each one can be removed."""
        from studygraph.ingest.remove import corpus_folder, upload_copy

        meta = self._current()
        known = meta.files() if self.has_library else {}
        counts = meta.resources_per_file() if known else {}

        def entry(path: Path, display: str, ingested: bool, problem: str | None = None) -> LibraryFile:
            uploaded = upload_copy(self.settings, path)
            return LibraryFile(
                display,
                str(path),
                "pdf" if path.suffix.lower() in PDF_SUFFIXES else "markdown",
                counts.get(display, 0),
                ingested,
                uploaded,
                None if uploaded else corpus_folder(self.settings, path),
                problem,
            )

        out = [entry(Path(p), row["display"], True) for p, row in sorted(known.items(), key=lambda i: i[1]["display"])]
        if self.settings.uploads_dir.is_dir():
            found, _ = discover([self.settings.uploads_dir], self.settings.data_dir)
            for f in found:
                if str(f.path) not in known:
                    out.append(entry(f.path, f.display, False, self._problem(f)))
        return out

    @staticmethod
    def _problem(file) -> str | None:

        try:
            return Library.check_upload(file.display, read_bytes(file))
        except FileProblem as exc:
            return str(exc)
        except OSError as exc:
            return f"cannot read: {exc.strerror or exc}"

    def remove(
        self,
        path: str | Path,
        progress: Callable[[str, int, int], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> RemoveResult:
        """Remove one file from the library — its resources (those no other file lists), chunks, vectors,
        learned topics, questions and graph evidence — in one commit under the ingest lock; `path` is the
        file as sources name it, its path, or its bare name. A copy in the data dir's upload corpus is
        deleted; a file elsewhere is left on disk (`returns_with` names the corpus folder that would bring
        it back). CliError naming `path` when no library file (nor refused upload) is that."""
        from studygraph.ingest.remove import remove as run_remove

        if not str(path).strip():
            raise CliError("give the file to remove, as `studygraph library` names it in its sources", 1)
        report = run_remove(self.settings, path, embedder=self.embedder, progress=progress, on_wait=on_wait)
        return RemoveResult.of(report)

    # -- conversations (store/conversations.py): the chat's history, kept in the data dir --------------
    @contextmanager
    def _conversations(self, create: bool = True) -> Iterator:
        """The conversation store, one connection kept for the library's life (opening and closing one per
        call costs a WAL checkpoint each time: ~30 ms a turn instead of ~1 ms), used under the lock."""

        with self._lock:
            store = self._conversation_store
            if store is None:
                try:
                    store = ConversationStore(self.settings.conversations_path, create=create)
                except DataDirError as exc:  # a read-only data dir: the chat still answers, unsaved
                    store = ConversationStore(None)
                    self.conversations_unsaved = str(exc)
                if store.db is not None:  # else nothing is saved yet: read as empty, open nothing
                    self._conversation_store = store
            yield store

    conversations_unsaved: str | None = None  # why conversations are kept in memory only, if they are

    @staticmethod
    def _info(row) -> ConversationInfo:
        def iso(ts: float) -> str:
            return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="seconds")

        return ConversationInfo(row.id, row.title, iso(row.created), iso(row.updated), row.turns)

    def conversations(self) -> list[ConversationInfo]:
        """Every saved conversation, the most recently used first ([] before the first one)."""
        with self._conversations(create=False) as store:
            return [self._info(c) for c in store.conversations()]

    def conversation(self, conversation_id: str) -> Conversation:
        """A conversation with its turns, each answer with its typed payload (to draw it again)."""

        with self._conversations(create=False) as store:
            row = store.conversation(conversation_id)
            if row is None:
                raise UnknownConversation(conversation_id)
            turns = [
                Turn(
                    t.id,
                    t.role,
                    t.content,
                    t.status,
                    t.intent,
                    t.model,
                    [Citation(c["title"], c["url"], c["kind"]) for c in t.citations],
                    payload_from_dict(t.payload_type, t.payload),
                )
                for t in store.turns(conversation_id)
            ]
        return Conversation(**vars(self._info(row)), messages=turns)

    def start_conversation(self, title: str = "") -> ConversationInfo:
        """A new, empty conversation; untitled, it takes its first question as its title."""
        with self._conversations() as store:
            return self._info(store.create(title))

    def rename_conversation(self, conversation_id: str, title: str) -> ConversationInfo:
        if not title.strip():
            raise CliError("a conversation's title cannot be empty")
        with self._conversations() as store:
            if not store.rename(conversation_id, title):
                raise UnknownConversation(conversation_id)
            return self._info(store.conversation(conversation_id))

    def delete_conversation(self, conversation_id: str) -> None:
        with self._conversations() as store:
            if not store.delete(conversation_id):
                raise UnknownConversation(conversation_id)

    def record_question(self, conversation_id: str, question: str) -> Turn:
        """Save a question before it is answered; returns its answer turn, `pending` until record_answer."""
        with self._conversations() as store:
            try:
                _, pending = store.ask(conversation_id, question)
            except KeyError:
                raise UnknownConversation(conversation_id) from None
        return Turn(pending.id, pending.role, pending.content, pending.status)

    def record_answer(
        self, turn_id: int, answer=None, *, text: str | None = None, status: str = "done", only_pending: bool = False
    ) -> bool:
        """Give a pending answer turn its end: `answer` (an assistant Answer; its payload is kept to draw it
        again), `text` instead of the answer's own, `status` done | interrupted | error. `only_pending`:
        leave a turn that has already ended alone. False when nothing was changed."""
        payload = getattr(answer, "payload", None)
        with self._conversations() as store:
            return store.finish(
                turn_id,
                text if text is not None else (getattr(answer, "text", "") or ""),
                status,
                intent=getattr(answer, "intent", "") or "",
                model=getattr(answer, "model", "") or "",
                citations=[{"title": c.title, "url": c.url, "kind": c.kind} for c in getattr(answer, "citations", [])],
                payload_type=type(payload).__name__ if payload is not None else "",
                payload=payload.to_dict() if payload is not None else None,
                only_pending=only_pending,
            )

    def recorded_stream(self, turn_id: int, answer, pieces: Iterator[str]) -> Iterator[str]:
        """`pieces` passed on as they come; when they end the turn is saved: done with the whole answer, or
        interrupted with what had been written when the stream was closed or abandoned (the app's rerun),
        or error. The payload is known before the first piece, so even a cut answer keeps its structure."""
        written: list[str] = []
        status = "interrupted"
        try:
            for piece in pieces:
                written.append(piece)
                yield piece
            status = "done"
        except Exception as exc:
            status, written = "error", [" ".join(str(exc).split()) or exc.__class__.__name__]
            raise
        finally:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()  # a model still writing stops here
            text = (answer.text or "".join(written)) if status == "done" else "".join(written).strip()
            self.record_answer(turn_id, answer, text=text, status=status)

    def converse_stream(self, conversation_id: str, question: str) -> tuple[object, Iterator[str]]:
        """ask_stream inside a saved conversation: its earlier turns are the history, the question is saved
        first and the answer when its stream ends (see recorded_stream)."""
        history = self.conversation(conversation_id).history(HISTORY_TURNS)
        turn = self.record_question(conversation_id, question)
        try:
            answer, pieces = self.ask_stream(question, history or None)
        except Exception as exc:
            self.record_answer(turn.id, text=" ".join(str(exc).split()), status="error")
            raise
        return answer, self.recorded_stream(turn.id, answer, pieces)

    def converse(self, conversation_id: str, question: str) -> AskResult:
        """ask inside a saved conversation (see converse_stream)."""
        answer, pieces = self.converse_stream(conversation_id, question)
        for _ in pieces:
            pass
        return AskResult.of(answer, self.search_warning)

    # -- review (spaced repetition) --------------------------------------------------------------------
    def _reviews(self):
        writable = self._writable()
        store = ReviewStore(writable)
        store.sync(card_sources(writable, self.catalogue))
        return store, writable

    def _card(self, card) -> dict:
        topic = self.catalogue.topics.get(card.topic)
        return {**card.to_dict(), "topic_name": topic.name if topic else "", "topic_zh": topic.zh if topic else ""}

    def review(self, limit: int = 20, every: bool = False) -> ReviewList:
        """The interview questions due for review, most overdue first, then new ones in roadmap order."""
        store, writable = self._reviews()
        try:
            due = store.due()
            cards = store.cards()
            later = sorted(c.due for c in cards if c not in due)
            shown_cards = cards if every else due
            return ReviewList(
                len(due),
                sum(c.new for c in due),
                len(cards),
                later[0].isoformat() if later else None,
                [self._card(c) for c in shown_cards[:limit]],
            )
        finally:
            writable.close()

    def grade(self, card_id: int, rating: str, answer: str = "") -> GradeResult:
        """Grade one card (again | hard | good | easy); FSRS decides when it comes back."""
        rating = rating.lower()
        if rating not in RATINGS:
            raise CliError(f"--rating must be one of {', '.join(RATINGS)}, not {rating!r}")
        store, writable = self._reviews()
        try:
            found = store.card(card_id)
            if found is None or not found.active:
                raise CliError(f"no review card #{card_id}; `studygraph review --all` lists them", 1)
            return GradeResult(self._card(store.grade(card_id, rating, answer=answer)), rating)
        finally:
            writable.close()
