"""`ingest --fetch`: download each linked page once, politely and safely, and keep its text in the PageCache.

Roadmap anchors are often generic ("材料", "网站", a bare URL), so the page itself is the only place that says
what a resource is. This module is the network half: it decides what to request, bounds every request
(connect/read timeout, a deadline per page, a size cap, at most 5 redirects), honours robots.txt and
refuses addresses inside the learner's network; ingest.pages turns the bytes into text. Every per-URL
problem ends as a FetchOutcome, never as an exception.

Safety is enforced where the socket is opened (`_GuardedBackend`): the host is resolved there, every address
is checked, and the connection goes to the checked address. So each redirect hop and robots.txt pass the
same check, and a DNS answer that changes between check and connect (rebinding) cannot slip through.
Proxies from the environment are not used, for the same reason: through a proxy we could not see where a
request goes.
"""

from __future__ import annotations

import asyncio
import ipaddress
import queue
import socket
import ssl
import time
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from studygraph.config import Settings
from studygraph.ingest.pages import PageProblem, content_kind, extract_page
from studygraph.ingest.urls import normalize_url
from studygraph.store.pages import Page, PageCache, Validators

USER_AGENT = "studygraph/0.1 (+local study assistant; offline after fetch)"
MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512_000  # what Google reads of a robots.txt; the rest is ignored, not refused
_REDIRECT_CODES = {301, 302, 303, 307, 308}
# Reachable from inside every cloud VM and full of credentials: refused even when private addresses are allowed.
CLOUD_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
_ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5"


@dataclass
class FetchOutcome:
    url: str
    status: str  # "fetched" | "unchanged" | "fresh" | "failed" | "skipped"
    reason: str = ""  # for failed/skipped: short and human ("HTTP 404", "timed out after 8s", ...)


@dataclass
class FetchReport:
    fetched: int = 0  # downloaded, new or changed
    unchanged: int = 0  # 304, or downloaded with the same digest
    fresh: int = 0  # fetched within fetch_fresh_hours: no request sent
    failed: int = 0
    skipped: int = 0  # not http(s), not text, disallowed by robots.txt
    seconds: float = 0.0
    outcomes: list[FetchOutcome] = field(default_factory=list)

    @classmethod
    def of(cls, outcomes: list[FetchOutcome], seconds: float) -> FetchReport:
        report = cls(seconds=seconds, outcomes=outcomes)
        for outcome in outcomes:
            setattr(report, outcome.status, getattr(report, outcome.status) + 1)
        return report

    def to_json(self) -> dict:
        out = asdict(self)
        out["seconds"] = round(self.seconds, 3)
        return out


def fetch_pages(
    urls: Iterable[str], settings: Settings, progress: Callable[[str, int, int], None] | None = None
) -> FetchReport:
    """Fetch every distinct http(s) URL into PageCache(settings.pages_path) and report each one.

    progress("fetching", done, total) is called once with done=0, then as each URL finishes, always on the
    calling thread. Callable from sync code only (it blocks); inside a running event loop (Streamlit,
    Jupyter) the fetch runs on a worker thread while this one waits."""
    wanted = list(dict.fromkeys(urls))
    try:
        asyncio.get_running_loop()
        in_loop = True
    except RuntimeError:
        in_loop = False
    if not in_loop:  # (not inside the except: the whole run would see that RuntimeError as its context)
        return asyncio.run(_fetch_all(wanted, settings, progress))
    # asyncio.run refuses to nest, so our loop gets its own thread; progress is relayed back through a
    # queue, because UI callbacks (Streamlit's) only work on the thread that runs the script.
    events: queue.SimpleQueue = queue.SimpleQueue()
    relay = (lambda *event: events.put(event)) if progress else None
    with ThreadPoolExecutor(1, thread_name_prefix="studygraph-fetch") as pool:
        future = pool.submit(lambda: asyncio.run(_fetch_all(wanted, settings, relay)))
        future.add_done_callback(lambda _: events.put(None))
        while (event := events.get()) is not None:
            progress(*event)
        return future.result()


def arxiv_abs_url(url: str) -> str | None:
    """https://arxiv.org/abs/ID for any arXiv paper URL (abs, pdf, pdf/ID.pdf, versions, export.), else None.
    The abs page is small and names title and abstract; the PDF would be megabytes of the same."""
    norm = normalize_url(url)  # it already rewrites /pdf/ID(vN)(.pdf) to /abs/ID
    if not norm:
        return None
    parts = urlsplit(norm)
    return norm if parts.hostname == "arxiv.org" and parts.path.startswith("/abs/") else None


def address_problem(address: str, allow_private: bool = False) -> str | None:
    """Why we must not connect to this IP ("127.0.0.1 is a loopback address"), or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 scope ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if ip in CLOUD_METADATA:
        return f"{ip} is the cloud metadata address"
    if allow_private:
        return None
    for test, what in (
        ("is_loopback", "a loopback"),
        ("is_unspecified", "an unspecified"),
        ("is_link_local", "a link-local"),
        ("is_multicast", "a multicast"),
        ("is_reserved", "a reserved"),  # before private: Python counts 240.0.0.0/4 as both
        ("is_private", "a private"),
    ):
        if getattr(ip, test):
            return f"{ip} is {what} address"
    if not ip.is_global:  # shared (100.64/10), documentation, benchmarking ranges
        return f"{ip} is not a public address"
    return None


# ---- the guarded connection layer -------------------------------------------------------------------


class AddressRefused(httpcore.ConnectError):
    """A host resolved to an address we do not connect to; the message is the reason for the report."""


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the address check in front: resolve, check all, connect to a checked one."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        try:
            async with asyncio.timeout_at(deadline):
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} took longer than {timeout:g}s") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}") from exc
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        for address in addresses:  # one bad address refuses the host: we do not pick the "safe" one
            problem = address_problem(address, self.allow_private)
            if problem:
                raise AddressRefused(f"refused: {problem}")
        for number, address in enumerate(addresses, start=1):
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                raise httpcore.ConnectTimeout(f"connecting to {host} took longer than {timeout:g}s")
            try:
                return await self.inner.connect_tcp(address, port, left, local_address, socket_options)
            except httpcore.ConnectError:
                if number == len(addresses):
                    raise
        raise httpcore.ConnectError(f"no address for {host}")

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, allow_private: bool, limits: httpx.Limits):
        super().__init__(limits=limits, trust_env=False)
        # httpx has no public hook for the network backend, so the pool it built is replaced by the same
        # pool with ours. Checked, so that an httpx that renames it fails here and not silently open.
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError("this httpx keeps its connection pool elsewhere: ingest.fetch needs updating")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(allow_private),
        )


def _client(settings: Settings) -> httpx.AsyncClient:
    t = settings.fetch_timeout
    limits = httpx.Limits(
        max_connections=max(1, settings.fetch_concurrency),  # our own slots are the limit; this is a backstop
        max_keepalive_connections=max(1, settings.fetch_concurrency),
        keepalive_expiry=10,
    )
    return httpx.AsyncClient(
        transport=_GuardedTransport(settings.fetch_allow_private, limits),
        # pool: waiting for a free connection is bounded by our own slots, so only the page deadline applies
        timeout=httpx.Timeout(connect=t, read=t, write=t, pool=settings.fetch_page_seconds),
        headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate"},
        follow_redirects=False,  # followed by hand: each hop is counted and passes robots.txt and the checks
        trust_env=False,
    )


# ---- one run ----------------------------------------------------------------------------------------


class _Stop(Exception):
    """Ends one URL early with an outcome (internal to a run)."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class _Response:
    status: int
    url: str  # after redirects
    headers: httpx.Headers
    data: bytes


def _cause(exc: BaseException, kind: type) -> BaseException | None:
    """The first exception of `kind` in exc's cause/context chain (httpx wraps httpcore wraps OSError)."""
    seen = set()
    stack = [exc]
    while stack:
        cur = stack.pop()
        if cur is None or id(cur) in seen:
            continue
        seen.add(id(cur))
        if isinstance(cur, kind):
            return cur
        stack.extend([cur.__cause__, cur.__context__])
        stack.extend(getattr(cur, "exceptions", ()))  # anyio raises groups of per-address errors
    return None


def _reason(exc: httpx.HTTPError, settings: Settings) -> str:
    """A network error as one short line for the report."""
    t = f"{settings.fetch_timeout:g}s"
    refused = _cause(exc, AddressRefused)
    if refused:
        return str(refused)
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out after {t} (connecting)"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {t}"
    tls = _cause(exc, ssl.SSLError)
    if tls:
        return f"TLS error: {getattr(tls, 'verify_message', None) or getattr(tls, 'reason', None) or tls}"
    if isinstance(exc, httpx.ConnectError):
        if _cause(exc, socket.gaierror):
            return f"cannot resolve {exc.request.url.host}"
        if _cause(exc, ConnectionRefusedError) or "refused" in str(exc).lower():
            return "connection refused"
        return f"cannot connect: {exc}"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.DecodingError)):
        return f"broken response: {exc}"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return f"connection lost: {exc or exc.__class__.__name__}"
    return f"{exc.__class__.__name__}: {exc}"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _robots_parser(text: str) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(text.splitlines())  # parse() also marks it as read, so can_fetch answers
    return parser


class _Run:
    """One fetch_pages call: its client, its limits, the robots.txt of each origin it met."""

    def __init__(self, settings: Settings, cache: PageCache, client: httpx.AsyncClient):
        self.settings = settings
        self.cache = cache
        self.client = client
        self.all_slots = asyncio.Semaphore(max(1, settings.fetch_concurrency))
        self.host_slots: dict[str, asyncio.Semaphore] = {}
        self.robots: dict[str, asyncio.Task] = {}

    def fresh(self, fetched_at: float) -> bool:
        return time.time() - fetched_at < self.settings.fetch_fresh_hours * 3600

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """One request in flight: at most fetch_per_host per host and fetch_concurrency in all. The host slot
        comes first, so a page queued behind a busy host does not hold one of the global slots."""
        per_host = self.host_slots.setdefault(host, asyncio.Semaphore(max(1, self.settings.fetch_per_host)))
        async with per_host, self.all_slots:
            yield

    async def one(self, url: str) -> FetchOutcome:
        parts = urlsplit(url)
        if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
            return FetchOutcome(url, "skipped", "not http(s)")
        held = self.cache.validators(url)
        if held and self.fresh(held.fetched_at):
            return FetchOutcome(url, "fresh")
        try:
            return await self._download(url, held)
        except _Stop as stop:
            outcome = FetchOutcome(url, stop.status, stop.reason)
        except PageProblem as problem:
            reason = str(problem)
            outcome = FetchOutcome(url, "skipped" if reason.startswith("not text") else "failed", reason)
        except httpx.HTTPError as exc:
            outcome = FetchOutcome(url, "failed", _reason(exc, self.settings))
        except httpx.InvalidURL as exc:  # a redirect to something that is not a URL
            outcome = FetchOutcome(url, "failed", f"bad URL: {exc}")
        self.cache.record(url, outcome.status, outcome.reason)  # a good cached copy stays as it was
        return outcome

    async def _download(self, url: str, held: Validators | None) -> FetchOutcome:
        headers = {}
        if held and held.etag:
            headers["If-None-Match"] = held.etag
        if held and held.last_modified:
            headers["If-Modified-Since"] = held.last_modified
        resp = await self.get(
            arxiv_abs_url(url) or url,
            headers,
            max_bytes=self.settings.fetch_max_bytes,
            seconds=self.settings.fetch_page_seconds,
            page=True,
        )
        etag, modified = resp.headers.get("etag"), resp.headers.get("last-modified")
        if resp.status == 304 and held:
            self.cache.confirm(url, etag, modified)
            return FetchOutcome(url, "unchanged")
        if not 200 <= resp.status < 300:
            raise _Stop("failed", f"HTTP {resp.status}")
        # CPU work off the event loop, so the other downloads keep their timeouts honest.
        got = await asyncio.to_thread(extract_page, resp.data, resp.headers.get("content-type"), resp.url)
        page = Page.build(url, resp.url, got.title, got.text, got.lang, got.kind)
        changed = self.cache.put(page, etag, modified)
        return FetchOutcome(url, "fetched" if changed else "unchanged")

    async def get(self, url: str, headers: dict, *, max_bytes: int, seconds: float, page: bool) -> _Response:
        """GET with redirects followed by hand. page=True: every hop passes robots.txt, a body that is not
        text is not read, and an oversize one is refused; page=False (robots.txt itself): cut at max_bytes.
        The deadline starts when the first hop gets its slot, so time spent queueing is not held against it."""
        loop = asyncio.get_running_loop()
        deadline = None
        for _hop in range(MAX_REDIRECTS + 1):
            if page:
                await self.check_robots(url)
            async with self.slot(urlsplit(url).hostname or ""):
                deadline = deadline or loop.time() + seconds
                timeout = asyncio.timeout_at(deadline)
                try:
                    async with timeout:
                        async with self.client.stream("GET", url, headers=headers) as resp:
                            location = resp.headers.get("location")
                            if resp.status_code in _REDIRECT_CODES and location:
                                url = self._next_hop(url, location)
                                continue
                            data = b""
                            if 200 <= resp.status_code < 300:
                                if page:
                                    content_kind(resp.headers.get("content-type"), url)  # raises "not text"
                                data = await self._read(resp, max_bytes, cut=not page)
                            return _Response(resp.status_code, url, resp.headers, data)
                except TimeoutError:
                    if not timeout.expired():
                        raise
                    raise _Stop("failed", f"timed out after {seconds:g}s (whole page)") from None
        raise _Stop("failed", "too many redirects")

    @staticmethod
    def _next_hop(url: str, location: str) -> str:
        target = urljoin(url, location.strip())
        scheme = urlsplit(target).scheme.lower()
        if scheme not in {"http", "https"} or not urlsplit(target).hostname:
            raise _Stop("failed", f"refused: redirect to a {scheme or 'relative'}: URL")
        return target

    @staticmethod
    async def _read(resp: httpx.Response, max_bytes: int, cut: bool) -> bytes:
        declared = resp.headers.get("content-length", "")
        if not cut and declared.isdigit() and int(declared) > max_bytes:
            raise _Stop("failed", f"too large (> {max_bytes} bytes)")  # say so before downloading any of it
        chunks, size = [], 0
        async for chunk in resp.aiter_bytes():  # decoded bytes: a gzip bomb counts at its real size
            size += len(chunk)
            if size > max_bytes:
                if not cut:
                    raise _Stop("failed", f"too large (> {max_bytes} bytes)")
                chunks.append(chunk[: len(chunk) - (size - max_bytes)])
                break
            chunks.append(chunk)
        return b"".join(chunks)

    # -- robots.txt -------------------------------------------------------------------------------
    async def check_robots(self, url: str) -> None:
        origin = _origin(url)
        task = self.robots.get(origin)
        if task is None:  # one fetch per origin per run, however many pages wait for it
            task = self.robots[origin] = asyncio.ensure_future(self._load_robots(origin))
        rules = await asyncio.shield(task)
        if isinstance(rules, str):
            raise _Stop("failed", rules)  # the host could not be reached at all; the page cannot be either
        if not rules.can_fetch(USER_AGENT, url):
            raise _Stop("skipped", "disallowed by robots.txt")

    async def _load_robots(self, origin: str) -> RobotFileParser | str:
        """The rules for an origin, or a reason string when its host cannot be reached. A missing robots.txt
        (4xx) allows everything; so, for this run only, does a broken one (5xx, a timeout)."""
        cached = self.cache.robots(origin)
        if cached and self.fresh(cached[1]):
            return _robots_parser(cached[0])
        # A short deadline: a slow robots.txt must not hold its pages for a page's time. Longer than the
        # connect timeout, though, so that a dead host shows as one (and its pages fail without a retry).
        seconds = min(2 * self.settings.fetch_timeout, self.settings.fetch_page_seconds)
        try:
            resp = await self.get(origin + "/robots.txt", {}, max_bytes=ROBOTS_MAX_BYTES, seconds=seconds, page=False)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            return _reason(exc, self.settings)
        except (httpx.HTTPError, httpx.InvalidURL, _Stop):
            return _robots_parser("")
        if 200 <= resp.status < 300:
            text = resp.data.decode("utf-8", errors="replace")
        elif 400 <= resp.status < 500:
            text = ""
        else:
            return _robots_parser("")
        self.cache.put_robots(origin, text)
        return _robots_parser(text)


async def _fetch_all(
    urls: list[str], settings: Settings, progress: Callable[[str, int, int], None] | None
) -> FetchReport:
    started = time.perf_counter()
    outcomes: dict[str, FetchOutcome] = {}
    if progress:
        progress("fetching", 0, len(urls))

    cache = PageCache(settings.pages_path)
    try:
        async with _client(settings) as client:
            run = _Run(settings, cache, client)

            async def one(url: str) -> None:
                outcomes[url] = await run.one(url)
                if progress:
                    progress("fetching", len(outcomes), len(urls))

            # A TaskGroup: a programming error in one URL stops the run and is raised, not reported.
            try:
                async with asyncio.TaskGroup() as group:
                    for url in urls:
                        group.create_task(one(url))
            except ExceptionGroup as bugs:
                raise bugs.exceptions[0]  # a plain traceback of the first bug, not a group
    finally:
        cache.close()
    return FetchReport.of([outcomes[url] for url in urls], time.perf_counter() - started)
