"""Fetch throughput: 100 distinct small HTML pages from a loopback server (tests/fetch_site.py), in pages/s.

Raw baseline: the same GETs through a plain httpx.AsyncClient with the same number in flight (the default
fetch_per_host, since every page is on one host), bodies read and dropped: the least any fetcher must do.
Ours adds robots.txt, the address check, trafilatura, and one SQLite transaction per page. Also timed:
the rerun right after, where every page is fresh and no request is sent.

`python -m bench.fetch_bench [--quick]` runs it alone.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import report
from studygraph.config import load_settings
from studygraph.ingest.fetch import fetch_pages

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from fetch_site import LoopbackSite  # noqa: E402

PAGES = 100


async def _raw(urls: list[str], in_flight: int) -> None:
    slots = asyncio.Semaphore(in_flight)
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=in_flight), trust_env=False) as client:

        async def get(url: str) -> None:
            async with slots:
                (await client.get(url)).raise_for_status()

        await asyncio.gather(*(get(url) for url in urls))


def run(quick: bool) -> list[dict]:
    repeat = 1 if quick else 3
    ours, raw, rerun = [], [], []
    with LoopbackSite() as site:
        urls = [site.url(f"/page/{i}") for i in range(PAGES)]
        with tempfile.TemporaryDirectory(prefix="sg-fetch-bench-") as data_dir:  # imports (trafilatura) untimed
            fetch_pages([site.url("/en.html")], load_settings(data_dir=Path(data_dir), fetch_allow_private=True))
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(prefix="sg-fetch-bench-") as data_dir:
                settings = load_settings(data_dir=Path(data_dir), fetch_allow_private=True, llm_backend="none")
                start = time.perf_counter()
                rep = fetch_pages(urls, settings)
                ours.append(PAGES / (time.perf_counter() - start))
                assert rep.fetched == PAGES, rep.to_json()
                start = time.perf_counter()
                again = fetch_pages(urls, settings)
                rerun.append(time.perf_counter() - start)
                assert again.fresh == PAGES, again.to_json()
            start = time.perf_counter()
            asyncio.run(_raw(urls, settings.fetch_per_host))
            raw.append(PAGES / (time.perf_counter() - start))
    line = report(
        "fetch.throughput",
        statistics.median(ours),
        statistics.median(raw),
        "pages/s",
        "report (robots + checks + extraction + cache over raw GETs)",
        "higher",
        pages=PAGES,
        per_host=settings.fetch_per_host,
        fresh_rerun_s=round(statistics.median(rerun), 4),
    )
    return [line]


if __name__ == "__main__":
    run("--quick" in sys.argv)
