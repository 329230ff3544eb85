"""LoopbackSite: a small real web site on 127.0.0.1 for fetch tests (and end-to-end ingest tests).

    with LoopbackSite() as site:
        report = fetch_pages([site.url("/en.html")], settings)
        assert site.count("/en.html") == 1

It speaks HTTP/1.1 with keep-alive from a ThreadingHTTPServer in a thread, counts requests per path (and
the most it served at once), answers conditional requests with 304, and has one route per fault a fetcher
must survive. `site.set(path, body, ...)` adds or replaces a page; `site.robots` changes robots.txt.

Routes (static ones from tests/fixtures/pages/ and tests/fixtures/attention-note.pdf):
  /en.html /zh.html /arxiv-abs.html /injection.html   fixture pages (ETag + Last-Modified)
  /arxiv-blockquote.html   an abs-like page with the abstract only in <blockquote class="abstract">
  /gbk.html                zh.html in GBK, charset only in the Content-Type header
  /gb2312-meta.html        zh.html in GB2312, charset only in <meta>
  /latin1.html             a French-flavoured page in cp1252, charset only in the header (ISO-8859-1)
  /cp1252-meta.html        the same, charset only in <meta>
  /garbage.html            random bytes labelled text/html; charset=utf-8
  /binary.html             control bytes (valid ASCII, not text) labelled text/html; charset=utf-8
  /tiny.html               almost empty page with a <title>
  /no-validators.html      a page without ETag or Last-Modified (never 304)
  /paper.pdf               the fixture PDF (application/pdf)
  /files/note.pdf          the same PDF as application/octet-stream
  /notes.txt               text/plain
  /image.png               a 1x1 PNG
  /missing                 404          /error   500
  /hang                    accepts, never answers (until the site closes)
  /trickle                 promises 100 bytes, sends one every 0.3 s
  /loop                    302 to itself         /redirect  302 to /en.html
  /to-metadata             302 to http://169.254.169.254/latest/meta-data/
  /to-file                 302 to file:///etc/passwd
  /big                     200 KB by Content-Length (the rest after 10 KB waits 2 s)
  /big-stream              2 MB chunked, no Content-Length
  /slow/<n>                a small page after 0.3 s       /page/<n>     a small distinct page at once
  /private/<anything>      a page (for robots.txt rules)
  /robots.txt              site.robots (default: allow all); None -> 404, an int -> that status;
                           answered after site.robots_delay seconds
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGES = FIXTURES / "pages"
HTML = "text/html; charset=utf-8"
FIXED_DATE = "Wed, 01 May 2024 10:00:00 GMT"
# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


@dataclass
class Route:
    body: bytes
    content_type: str = HTML
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True  # send ETag/Last-Modified and answer conditional requests with 304
    last_modified: str = FIXED_DATE

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


def _small_page(title: str, n: int) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {i} of {title}: notes on attention, tokenizers and training loops, number {n}.</p>"
        for i in range(4)
    )
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


def _default_routes() -> dict[str, Route]:
    read = lambda name: (PAGES / name).read_bytes()  # noqa: E731
    zh = read("zh.html").decode("utf-8")
    zh_bare = zh.replace('<meta charset="utf-8">', "").replace("©", "")  # © is not in GBK
    arxiv = read("arxiv-abs.html").decode("utf-8")
    blockquote_only = re.sub(r'<meta name="citation_(abstract|title)"[^>]*>\n', "", arxiv)
    pdf = (FIXTURES / "attention-note.pdf").read_bytes()
    # Western text without a declared charset is guessed wrong (cp1250: "crčme"), so only a decoder that
    # reads the header or the <meta> gets "crème brûlée" right; "€" and curly quotes exist only in cp1252,
    # which is what browsers decode under the label ISO-8859-1.
    cafe = (
        "<!DOCTYPE html><html><head>{meta}<title>Café notes on attention</title></head><body><article>"
        "<h1>Café notes on attention</h1><p>We met at the café to talk about the crème brûlée attention trick, "
        "a naïve but useful idea.</p><p>Its résumé: normalise the queries and keys before the dot product, then "
        "scale by a learnt temperature. It costs €0 and “just works”.</p></article></body></html>"
    )
    routes = {
        "/en.html": Route(read("en.html")),
        "/zh.html": Route(read("zh.html")),
        "/arxiv-abs.html": Route(read("arxiv-abs.html")),
        "/arxiv-blockquote.html": Route(blockquote_only.encode("utf-8")),
        "/injection.html": Route(read("injection.html")),
        "/gbk.html": Route(zh_bare.encode("gbk"), "text/html; charset=gbk"),
        "/gb2312-meta.html": Route(
            zh_bare.replace("<head>", '<head><meta charset="gb2312">').encode("gb2312"), "text/html"
        ),
        "/latin1.html": Route(cafe.format(meta="").encode("cp1252"), "text/html; charset=ISO-8859-1"),
        "/cp1252-meta.html": Route(cafe.format(meta='<meta charset="windows-1252">').encode("cp1252"), "text/html"),
        "/garbage.html": Route(random.Random(7).randbytes(4000), HTML),
        "/binary.html": Route(bytes(range(32)) * 100, HTML),
        "/tiny.html": Route(b"<html><head><title>Tiny Page</title></head><body><p>Hi.</p></body></html>"),
        "/no-validators.html": Route(read("en.html"), validators=False),
        "/paper.pdf": Route(pdf, "application/pdf"),
        "/files/note.pdf": Route(pdf, "application/octet-stream"),
        "/notes.txt": Route(
            "# Reading list\nAttention is all you need.\n量子鹦鹉注意力 notes.\n".encode(), "text/plain; charset=utf-8"
        ),
        "/image.png": Route(PNG, "image/png"),
        "/missing": Route(b"<html><body><h1>Not found</h1></body></html>", status=404, validators=False),
        "/error": Route(b"<html><body><h1>Server error</h1></body></html>", status=500, validators=False),
    }
    redirects = {
        "/loop": "/loop",
        "/redirect": "/en.html",
        "/to-metadata": "http://169.254.169.254/latest/meta-data/",
        "/to-file": "file:///etc/passwd",
    }
    for path, target in redirects.items():
        routes[path] = Route(b"", status=302, headers={"Location": target}, validators=False)
    return routes


class LoopbackSite:
    """A threaded HTTP server on 127.0.0.1 with counters; use as a context manager."""

    def __init__(self, robots: str | int | None = "User-agent: *\nAllow: /\n", robots_delay: float = 0.0):
        self.robots = robots
        self.robots_delay = robots_delay  # seconds before robots.txt is answered (a slow or hung one)
        self.routes = _default_routes()
        self.hits: Counter[str] = Counter()  # path -> requests received
        self.not_modified: Counter[str] = Counter()  # path -> 304s sent
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers) in arrival order
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # -- use ----------------------------------------------------------------------------------------
    def __enter__(self) -> LoopbackSite:
        site = self

        class Handler(_Handler):
            pass

        Handler.site = site
        self.server = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.closing.set()  # releases /hang
        if self.server:
            self.server.shutdown()
            self.server.server_close()
        if self.thread:
            self.thread.join(timeout=5)

    @property
    def port(self) -> int:
        assert self.server is not None, "use LoopbackSite as a context manager"
        return self.server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def count(self, path: str) -> int:
        with self.lock:
            return self.hits[path]

    def total(self) -> int:
        with self.lock:
            return sum(self.hits.values())

    def set(self, path: str, body: bytes | str, content_type: str = HTML, status: int = 200, **kw) -> None:
        """Add or replace a page; a new body gets a new ETag and a new Last-Modified."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        kw.setdefault("last_modified", formatdate(time.time(), usegmt=True))
        with self.lock:
            self.routes[path] = Route(data, content_type, status, **kw)

    # -- serving --------------------------------------------------------------------------------------
    def _enter(self, path: str, headers: dict[str, str]) -> None:
        with self.lock:
            self.hits[path] += 1
            self.requests.append((path, headers))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self.lock:
            self.in_flight -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up mid-body is what several tests do on purpose


class _Handler(BaseHTTPRequestHandler):
    site: LoopbackSite
    protocol_version = "HTTP/1.1"  # keep-alive, like real servers
    timeout = 10  # an idle keep-alive connection frees its thread
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms wait for an ACK

    def log_message(self, format, *args) -> None:
        pass

    def do_GET(self) -> None:
        site = self.site
        path = self.path.split("?", 1)[0]
        site._enter(path, {k.lower(): v for k, v in self.headers.items()})
        try:
            self._serve(path)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        finally:
            site._leave()

    def _send(self, status: int, body: bytes, content_type: str = HTML, headers: dict[str, str] | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _serve(self, path: str) -> None:
        site = self.site
        if path == "/robots.txt":
            if site.robots_delay and site.closing.wait(site.robots_delay):
                return None
            if site.robots is None or isinstance(site.robots, int):
                status = site.robots or 404
                return self._send(status, b"<html><body>no robots here</body></html>")
            return self._send(200, site.robots.encode("utf-8"), "text/plain; charset=utf-8")
        if path == "/hang":
            site.closing.wait(30)
            self.close_connection = True
            return None
        if path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                if site.closing.wait(0.3):
                    break
                self.wfile.write(b"x")
                self.wfile.flush()
            self.close_connection = True
            return None
        if path == "/big":
            # 200 KB by Content-Length, but after the first 10 KB the rest waits 2 s: a fetcher that reads
            # before checking the length is caught by its read timeout instead of refusing at once.
            body = b"<html><body><p>" + b"big " * 50_000 + b"</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:10_000])
            self.wfile.flush()
            if not site.closing.wait(2):
                self.wfile.write(body[10_000:])
            return None
        if path == "/big-stream":
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"<p>" + b"stream " * 2300 + b"</p>"
            for _ in range(2_000_000 // len(chunk)):
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return None
        slow = re.fullmatch(r"/slow/(\d+)", path)
        if slow:
            time.sleep(0.3)
            return self._send(200, _small_page(f"Slow page {slow.group(1)}", int(slow.group(1))))
        numbered = re.fullmatch(r"/page/(\d+)", path)
        if numbered:
            return self._send(200, _small_page(f"Page {numbered.group(1)}", int(numbered.group(1))))
        if path.startswith("/private/"):
            return self._send(200, _small_page("Private page", 0))
        with site.lock:
            route = site.routes.get(path)
        if route is None:
            return self._send(404, b"<html><body>not found</body></html>")
        headers = dict(route.headers)
        if route.validators:
            headers.update({"ETag": route.etag, "Last-Modified": route.last_modified})
            if self._not_modified(route):
                with site.lock:
                    site.not_modified[path] += 1
                self.send_response(304)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                return None
        return self._send(route.status, route.body, route.content_type, headers)

    def _not_modified(self, route: Route) -> bool:
        """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            return route.etag in [t.strip() for t in tags.split(",")] or tags.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return parsedate_to_datetime(route.last_modified) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False
