"""Who and where, in both languages: the people, institutions, courses, communities, sites and projects that
learners name, kept as `corpus/names.toml` beside the topic catalogue (its header says the format).

Many resources are bare Chinese titles ("GPT论文精读", "智源“悟道”", "新手如何入门pytorch" on zhihu.com): an
English question that names their author, institution or host ("Mu Li's walkthrough of the GPT paper", "a
Chinese forum reply on PyTorch") has nothing in the other language to meet. `NameTable.identify` finds the
entries a resource's title and URL name, and ingest puts their names and what they are, in English and
Chinese, into the resource's gloss chunk (ingest/library.py), with its kind in both languages.

A question that names an entry ("Mu Li's walkthrough ...", "吴恩达的课") votes for the resources it identifies
(`NameTable.named_in`, assistant/retrieval.py `Fusion.identities`), which lifts such a title even where its
gloss ranks low. The table is read when a gloss is first made or a search first runs (`names_for`, once per
file content), not when the catalogue loads: a `path` never reads it. Its bytes are part of the catalogue's digest (graph/catalogue.py), so editing it
rebuilds the chunks on the next ingest as a catalogue change does.
"""

from __future__ import annotations

import functools
import re
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from studygraph.config import DEFAULT_CORPUS
from studygraph.errors import CatalogueError
from studygraph.models import KINDS

if TYPE_CHECKING:
    from studygraph.graph.catalogue import Catalogue

DEFAULT_NAMES = DEFAULT_CORPUS / "names.toml"
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Identity:
    """One person, institution, course, community, site or project, in both languages."""

    id: str
    en: str
    zh: str
    about: str
    about_zh: str
    names: tuple[str, ...] = ()  # as titles write it
    urls: tuple[str, ...] = ()  # host, or host/path prefix

    def gloss(self) -> str:
        """ "Mu Li / 李沐: what he is / 他是谁" (one name where both languages spell it alike)."""
        names = self.en if self.zh == self.en else f"{self.en} / {self.zh}"
        return f"{names}: {self.about} / {self.about_zh}"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "en": self.en,
            "zh": self.zh,
            "about": self.about,
            "about_zh": self.about_zh,
            "names": list(self.names),
            "urls": list(self.urls),
        }


def _name_pattern(name: str) -> re.Pattern:
    """A Latin name as a whole word ("pytorch" in 入门pytorch, not "mli" in "mlabonne"), in any case but for one
    in capitals, which lower-case may spell as a plain word ("MOSS", not "moss"); a Chinese one as written."""
    if _CJK.search(name):
        return re.compile(re.escape(name))
    flags = 0 if name.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", flags)


@functools.cache
def _pattern(name: str) -> re.Pattern:
    return _name_pattern(name)


def _url_key(url: str) -> tuple[str, str]:
    parts = urlsplit(url.strip())
    return (parts.hostname or "").casefold().removeprefix("www."), parts.path


def _at(pattern: str, host: str, path: str) -> bool:
    """`pattern` ("zhihu.com", "github.com/mli") names this host (or a subdomain of it) and path prefix, the
    prefix ending where a path segment or word does ("github.com/mli" is not "github.com/mlabonne")."""
    want_host, _, want_path = pattern.casefold().partition("/")
    if host != want_host and not host.endswith("." + want_host):
        return False
    if not want_path:
        return True
    prefix = "/" + want_path
    return path.casefold().startswith(prefix) and not path[len(prefix) : len(prefix) + 1].isalpha()


@dataclass(frozen=True)
class NameTable:
    identities: tuple[Identity, ...]
    kinds: dict[str, tuple[str, str]]  # kind -> (English, Chinese)

    def identifies(self, identity: Identity, title: str, url: str | None = None) -> bool:
        """Whether a title and URL name this entry: a name in the title or the URL's path
        ("github.com/tatsu-lab/stanford_alpaca"), a host or path prefix in the URL. A name is not looked for in
        the host: "github" in "datawhalechina.github.io" is not the code hosting site."""
        host, path = _url_key(url) if url else ("", "")
        text = f"{title}\n{unquote(path)}"
        return any(_pattern(n).search(text) for n in identity.names) or bool(
            host and any(_at(u, host, path) for u in identity.urls)
        )

    def identify(self, title: str, url: str | None = None) -> list[Identity]:
        """The entries a title and URL name (`identifies`), in the table's order, each once."""
        return [i for i in self.identities if self.identifies(i, title, url)]

    def named_in(self, text: str) -> list[tuple[Identity, str]]:
        """The entries a question names by one of their names as titles write them or by their English or
        Chinese name, each once with the name it used, in the table's order ("Mu Li's walkthrough of the GPT
        paper": Mu Li; "李沐的论文精读": Mu Li, by 李沐). A URL is not looked for: a question names a site by
        its name ("on Zhihu"). A plain substring test comes first, so a question compiles no pattern but
        for a name it holds."""
        folded = text.casefold()
        found = []
        for identity in self.identities:
            for name in dict.fromkeys((*identity.names, identity.en, identity.zh)):
                if name.casefold() in folded and _pattern(name).search(text):
                    found.append((identity, name))
                    break
        return found

    def kind(self, kind: str) -> str:
        """ "video / 视频"; the kind itself for one the table does not know."""
        en, zh = self.kinds.get(kind, (kind, ""))
        return f"{en} / {zh}" if zh else en


def _text(table: dict, key: str, where: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where} has no {key!r} (every entry says its name and what it is in both languages)")
    return value.strip()


def _strings(table: dict, key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CatalogueError(f"{where}: {key} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _identity(table: dict, file: str) -> Identity:
    entry_id = table.get("id")
    where = f"{file}: name {entry_id!r}"
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise CatalogueError(f"{where}: id must be lowercase words joined by hyphens")
    identity = Identity(
        id=entry_id,
        en=_text(table, "en", where),
        zh=_text(table, "zh", where),
        about=_text(table, "about", where),
        about_zh=_text(table, "about_zh", where),
        names=_strings(table, "names", where),
        urls=_strings(table, "urls", where),
    )
    if not _CJK.search(identity.about_zh):
        raise CatalogueError(f"{where}: about_zh must be Chinese")
    if not identity.names and not identity.urls:
        raise CatalogueError(f"{where}: neither names nor urls, so no resource can name it")
    return identity


def load_names(path: Path | str | None = None) -> NameTable:
    """The table at `path` (corpus/names.toml by default), validated whole: a problem names the file and entry."""
    path = Path(path) if path else DEFAULT_NAMES
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path.name}: {exc}") from None
    kinds = {}
    for kind, pair in data.get("kinds", {}).items():
        if (
            kind not in KINDS
            or not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(p, str) for p in pair)
        ):
            raise CatalogueError(f"{path.name}: kinds.{kind} must be a kind of {KINDS} as [English, Chinese]")
        kinds[kind] = (pair[0], pair[1])
    missing = [k for k in KINDS if k not in kinds]
    if missing:
        raise CatalogueError(f"{path.name}: kinds lacks {', '.join(missing)}")
    identities: dict[str, Identity] = {}
    for table in data.get("name", []):
        identity = _identity(table, path.name)
        if identity.id in identities:
            raise CatalogueError(f"{path.name}: name {identity.id!r} is defined twice")
        identities[identity.id] = identity
    return NameTable(tuple(identities.values()), kinds)


_tables: dict[tuple[str, str], NameTable] = {}
_lock = threading.Lock()


def names_for(catalogue: Catalogue) -> NameTable:
    """The catalogue's name table, read on first need and kept per file content (ingest makes every gloss
    with it; search reads the names a question holds with it)."""
    path = catalogue.names_file
    if path is None:
        return NameTable((), {})
    key = (str(path), catalogue.names_digest)
    with _lock:
        if key not in _tables:
            _tables[key] = load_names(path)
        return _tables[key]
