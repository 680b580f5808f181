"""Feed validation for the tests: RSS 2.0 and Atom 1.0 by the W3C Feed Validation Service's
rules, JSON Feed 1.1 by its schema and rules.

The W3C validator (the ``feedvalidator`` package) is not on PyPI, so its checks are written
here again from the specifications (RSS 2.0 of the RSS Advisory Board, RFC 4287, RFC 822,
RFC 3339, RFC 4151, JSON Feed 1.1). Each problem is reported as ``"Code: where: detail"``;
the codes are the validator's message names where it has one (``MissingElement``,
``InvalidRFC2822Date``, ``IncorrectDOW``, ``ContainsRelRef``, ``MissingAtomSelfLink``, …),
so a failing test reads like the validator's report. Atom is first checked against the
RELAX NG schema of RFC 4287 (``schemas/atom.rng``), then by the rules that RELAX NG cannot
say. Every check has a test that breaks a good feed on purpose and expects its code
(``test_validators.py``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import lxml.html
from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"

# Namespaces with the prefix a validator expects and the elements it knows in each.
KNOWN_NAMESPACES = {
    ATOM: ("atom", {"link"}),
    CONTENT: ("content", {"encoded"}),
    DC: (
        "dc",
        {
            "title", "creator", "subject", "description", "publisher", "contributor",
            "date", "type", "format", "identifier", "source", "language", "relation",
            "coverage", "rights",
        },
    ),
}  # fmt: skip
RSS_CHANNEL = {
    "title", "link", "description", "language", "copyright", "managingEditor", "webMaster",
    "pubDate", "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image",
    "rating", "textInput", "skipHours", "skipDays", "item",
}  # fmt: skip
RSS_ITEM = {
    "title", "link", "description", "author", "category", "comments", "enclosure", "guid",
    "pubDate", "source",
}  # fmt: skip
REPEATABLE = {"category", "item"}
ATOM_RELS = {
    "alternate", "related", "self", "enclosure", "via", "license", "replies", "edit",
    "edit-media", "first", "last", "next", "previous", "prev", "hub", "payment", "service",
}  # fmt: skip

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RFC822 = re.compile(
    r"^(?:(?P<dow>[A-Za-z]{3}), )?(?P<day>\d{1,2}) (?P<mon>[A-Za-z]{3}) (?P<year>\d{2,4}) "
    r"(?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2}))? "
    r"(?P<zone>UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|Z|[A-IK-Y]|[+-]\d{4})$"
)
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$", re.IGNORECASE
)
LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(?:\s*;.*)?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+(?: \(.+\))?$")
TAG_URI = re.compile(
    r"^tag:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*"
    r"[A-Za-z0-9])?)*|[^@\s,]+@[^@\s,]+),\d{4}(?:-\d{2}(?:-\d{2})?)?:"
    r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*$"
)
HTML_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")
UNSAFE_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "meta", "link",
    "style", "base", "form",
}  # fmt: skip
URL_ATTRIBUTES = ("href", "src", "cite", "poster", "background", "action", "longdesc", "data")


def codes(problems: Iterable[str]) -> set[str]:
    """The codes of ``problems`` (the part before the first colon)."""
    return {p.split(":", 1)[0] for p in problems}


def is_absolute_http(url: str) -> bool:
    parts = urlsplit(url.strip())
    return url == url.strip() and parts.scheme in ("http", "https") and bool(parts.netloc)


def is_absolute_iri(value: str) -> bool:
    """An IRI with a scheme (RFC 3987): no spaces, a scheme, and something after it."""
    if not value or re.search(r"\s", value):
        return False
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):(.+)$", value)
    if match is None:
        return False
    if match.group(1).lower() == "tag":
        return TAG_URI.match(value) is not None
    if match.group(1).lower() in ("http", "https"):
        return is_absolute_http(value)
    return True


def rfc822_problems(value: str, where: str) -> list[str]:
    """RFC 822 (as RFC 2822 amends it): the validator's ``InvalidRFC2822Date`` and
    ``IncorrectDOW`` (the day name must match the date)."""
    match = RFC822.match(value)
    if match is None:
        return [f"InvalidRFC2822Date: {where}: {value!r}"]
    if match["mon"] not in MONTHS or (match["dow"] is not None and match["dow"] not in DAYS):
        return [f"InvalidRFC2822Date: {where}: {value!r}"]
    if len(match["year"]) != 4:
        return [f"InvalidRFC2822Date: {where}: two-digit year in {value!r}"]
    try:
        when = datetime(
            int(match["year"]),
            MONTHS.index(match["mon"]) + 1,
            int(match["day"]),
            int(match["h"]),
            int(match["m"]),
            int(match["s"] or 0),
        )
    except ValueError:
        return [f"InvalidRFC2822Date: {where}: no such date or time {value!r}"]
    if match["dow"] is not None and DAYS[when.weekday()] != match["dow"]:
        return [f"IncorrectDOW: {where}: {value!r} is a {DAYS[when.weekday()]}"]
    return []


def rfc3339_problems(value: str, where: str) -> list[str]:
    if RFC3339.match(value) is None:
        return [f"InvalidRFC3339Date: {where}: {value!r}"]
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return [f"InvalidRFC3339Date: {where}: no such date or time {value!r}"]
    return []


def html_problems(fragment: str, where: str) -> list[str]:
    """Escaped HTML in a feed: no scripting (``SecurityRisk``), no relative URLs
    (``ContainsRelRef``: a reader resolves them against the wrong base)."""
    if not fragment.strip():
        return []
    problems: list[str] = []
    for part in lxml.html.fragments_fromstring(fragment):
        if isinstance(part, str):
            continue
        for element in part.iter():
            if not isinstance(element.tag, str):
                continue
            if element.tag.lower() in UNSAFE_ELEMENTS:
                problems.append(f"SecurityRisk: {where}: <{element.tag}>")
            for raw_name, raw_value in element.attrib.items():
                name, value = str(raw_name), str(raw_value)  # str at run time; stubs say bytes too
                if name.lower().startswith("on"):
                    problems.append(f"SecurityRisk: {where}: {name} attribute")
                if name.lower() in URL_ATTRIBUTES or name.lower() == "srcset":
                    urls = (
                        [u.strip().split(" ")[0] for u in value.split(",")]
                        if name.lower() == "srcset"
                        else [value.strip()]
                    )
                    for url in urls:
                        scheme = urlsplit(url).scheme.lower()
                        if scheme in ("javascript", "vbscript", "data"):
                            problems.append(f"SecurityRisk: {where}: {name}={url!r}")
                        elif not scheme and not url.startswith("#"):
                            problems.append(f"ContainsRelRef: {where}: {name}={url!r}")
    return problems


def _parse_xml(data: bytes) -> tuple[etree._Element | None, list[str]]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(data, parser), []
    except etree.XMLSyntaxError as exc:
        return None, [f"NotWellFormed: document: {exc}"]


def _namespace_problems(root: etree._Element) -> list[str]:
    """Extension elements: the expected namespace for a known prefix, known element names."""
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        if element.prefix is not None:
            for uri, (prefix, _known) in KNOWN_NAMESPACES.items():
                if element.prefix == prefix and qname.namespace != uri:
                    problems.append(
                        f"InvalidNamespace: {prefix}:{qname.localname}: bound to "
                        f"{qname.namespace!r}, not {uri!r}"
                    )
        if qname.namespace in KNOWN_NAMESPACES:
            _prefix, known = KNOWN_NAMESPACES[qname.namespace]
            if qname.localname not in known:
                problems.append(f"UndefinedElement: {{{qname.namespace}}}{qname.localname}")
    return problems


def _children(parent: etree._Element, allowed: set[str], where: str) -> dict[str, list[Any]]:
    """The un-namespaced children of ``parent`` by name; unknown and repeated ones reported
    through the returned ``"!problems"`` entry."""
    found: dict[str, list[Any]] = {}
    problems: list[str] = []
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        if qname.namespace is None:
            if qname.localname not in allowed:
                problems.append(f"UndefinedElement: {where}: <{qname.localname}>")
            found.setdefault(qname.localname, []).append(child)
    for name, elements in found.items():
        if len(elements) > 1 and name not in REPEATABLE:
            problems.append(f"DuplicateElement: {where}: <{name}> appears {len(elements)} times")
    found["!problems"] = problems
    return found


def _text(elements: list[Any] | None) -> str:
    return (elements[0].text or "") if elements else ""


def check_rss(data: bytes, location: str = "") -> list[str]:
    """Problems of an RSS 2.0 document by the W3C validator's rules; ``[]`` when valid.

    ``location`` is the URL the feed was fetched from: its ``atom:link rel="self"``
    must name it (``SelfDoesntMatchLocation``).
    """
    root, problems = _parse_xml(data)
    if root is None:
        return problems
    if root.tag != "rss":
        return [f"UndefinedRoot: document: <{root.tag}> is not <rss>"]
    if root.get("version") != "2.0":
        problems.append(f"InvalidRSSVersion: rss: version={root.get('version')!r}")
    channels = root.findall("channel")
    if len(channels) != 1:
        return [*problems, f"MissingChannel: rss: {len(channels)} <channel> elements"]
    problems.extend(_namespace_problems(root))
    channel = channels[0]
    parts = _children(channel, RSS_CHANNEL, "channel")
    problems.extend(parts.pop("!problems"))
    for name in ("title", "link", "description"):
        if name not in parts:
            problems.append(f"MissingElement: channel: <{name}>")
    for name in ("title", "link"):
        if name in parts and not _text(parts[name]).strip():
            problems.append(f"NotBlank: channel: <{name}> is empty")
    if "link" in parts and not is_absolute_http(_text(parts["link"])):
        problems.append(f"InvalidURLElement: channel link: {_text(parts['link'])!r}")
    if "docs" in parts and not is_absolute_http(_text(parts["docs"])):
        problems.append(f"InvalidURLElement: channel docs: {_text(parts['docs'])!r}")
    if "language" in parts and not LANGUAGE.match(_text(parts["language"])):
        problems.append(f"InvalidLanguage: channel: {_text(parts['language'])!r}")
    for name in ("pubDate", "lastBuildDate"):
        if name in parts:
            problems.extend(rfc822_problems(_text(parts[name]), f"channel {name}"))
    if "ttl" in parts and not _text(parts["ttl"]).strip().isdigit():
        problems.append(f"InvalidInteger: channel ttl: {_text(parts['ttl'])!r}")
    if "title" in parts and HTML_MARKUP.search(_text(parts["title"])):
        problems.append("ContainsHTML: channel title")
    problems.extend(_self_link_problems(channel, location))
    guids: Counter[str] = Counter()
    for number, item in enumerate(parts.get("item", []), start=1):
        problems.extend(_item_problems(item, f"item {number}", guids))
    problems.extend(
        f"DuplicateGuid: {count} items share the guid {guid!r}"
        for guid, count in guids.items()
        if count > 1
    )
    return problems


def _self_link_problems(channel: etree._Element, location: str) -> list[str]:
    links = [link for link in channel.findall(f"{{{ATOM}}}link") if link.get("rel", "") == "self"]
    if not links:
        return ['MissingAtomSelfLink: channel: no <atom:link rel="self">']
    problems = []
    if len(links) > 1:
        problems.append("DuplicateAtomLink: channel: more than one self link")
    href = links[0].get("href", "")
    if not is_absolute_http(href):
        problems.append(f"InvalidURLAttribute: atom:link href: {href!r}")
    if links[0].get("type") not in (None, "application/rss+xml"):
        problems.append(f"InvalidMIMEType: atom:link type: {links[0].get('type')!r}")
    if location and href != location:
        problems.append(f"SelfDoesntMatchLocation: {href!r} is not {location!r}")
    return problems


def _item_problems(item: etree._Element, where: str, guids: Counter[str]) -> list[str]:
    parts = _children(item, RSS_ITEM, where)
    problems: list[str] = parts.pop("!problems")
    if "title" not in parts and "description" not in parts:
        problems.append(f"ItemMustContainTitleOrDescription: {where}")
    if "title" in parts and HTML_MARKUP.search(_text(parts["title"])):
        problems.append(f"ContainsHTML: {where} title")
    if "link" in parts and not is_absolute_http(_text(parts["link"])):
        problems.append(f"InvalidURLElement: {where} link: {_text(parts['link'])!r}")
    if "comments" in parts and not is_absolute_http(_text(parts["comments"])):
        problems.append(f"InvalidURLElement: {where} comments")
    if "description" in parts:
        problems.extend(html_problems(_text(parts["description"]), f"{where} description"))
    for encoded in item.findall(f"{{{CONTENT}}}encoded"):
        problems.extend(html_problems(encoded.text or "", f"{where} content:encoded"))
    if "pubDate" in parts:
        problems.extend(rfc822_problems(_text(parts["pubDate"]), f"{where} pubDate"))
    if "author" in parts and not EMAIL.match(_text(parts["author"])):
        problems.append(f"InvalidContact: {where} author must be an e-mail address")
    for creator in item.findall(f"{{{DC}}}creator"):
        if not (creator.text or "").strip():
            problems.append(f"NotBlank: {where} dc:creator is empty")
    for category in parts.get("category", []):
        if not (category.text or "").strip():
            problems.append(f"NotBlank: {where} category is empty")
    if "guid" in parts:
        guid = parts["guid"][0]
        value = (guid.text or "").strip()
        permalink = guid.get("isPermaLink", "true")
        if permalink not in ("true", "false"):
            problems.append(f"InvalidBooleanAttribute: {where} guid isPermaLink={permalink!r}")
        if not value:
            problems.append(f"NotBlank: {where} guid is empty")
        elif permalink != "false" and not is_absolute_http(value):
            problems.append(f"InvalidHttpGUID: {where}: a permalink guid must be a URL")
        guids[value] += 1
    for enclosure in parts.get("enclosure", []):
        problems.extend(_enclosure_problems(enclosure, where))
    if "source" in parts and not is_absolute_http(parts["source"][0].get("url", "")):
        problems.append(f"MissingAttribute: {where} source needs a url")
    return problems


def _enclosure_problems(enclosure: etree._Element, where: str) -> list[str]:
    problems = []
    for name in ("url", "length", "type"):
        if enclosure.get(name) is None:
            problems.append(f"MissingAttribute: {where} enclosure {name}")
    url, length, kind = (enclosure.get(n) for n in ("url", "length", "type"))
    if url is not None and not is_absolute_http(url):
        problems.append(f"InvalidURLAttribute: {where} enclosure url: {url!r}")
    if length is not None and not length.isdigit():
        problems.append(f"InvalidIntegerAttribute: {where} enclosure length: {length!r}")
    if kind is not None and not MEDIA_TYPE.match(kind):
        problems.append(f"InvalidMIMEType: {where} enclosure type: {kind!r}")
    return problems


@lru_cache(maxsize=1)
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))


def check_atom(data: bytes, location: str = "") -> list[str]:
    """Problems of an Atom 1.0 document: RFC 4287's RELAX NG schema, then the rules the
    schema cannot say (the W3C validator's checks); ``[]`` when valid."""
    root, problems = _parse_xml(data)
    if root is None:
        return problems
    schema = atom_schema()
    if not schema.validate(root):
        problems.extend(f"SchemaInvalid: line {e.line}: {e.message}" for e in schema.error_log)
    if root.tag != f"{{{ATOM}}}feed":
        return [*problems, f"UndefinedRoot: document: <{root.tag}> is not atom:feed"]
    a = f"{{{ATOM}}}"
    problems.extend(_atom_common(root, "feed"))
    feed_has_author = root.find(f"{a}author") is not None
    links = root.findall(f"{a}link")
    selfs = [link for link in links if link.get("rel") == "self"]
    if not selfs:
        problems.append('MissingSelf: feed: no <link rel="self">')
    elif location and selfs[0].get("href") != location:
        problems.append(f"SelfDoesntMatchLocation: {selfs[0].get('href')!r} is not {location!r}")
    if not [link for link in links if link.get("rel", "alternate") == "alternate"]:
        problems.append('MissingAlternateLink: feed: no <link rel="alternate">')
    entry_ids: Counter[tuple[str, str]] = Counter()
    for number, entry in enumerate(root.findall(f"{a}entry"), start=1):
        where = f"entry {number}"
        problems.extend(_atom_common(entry, where))
        if not feed_has_author and entry.find(f"{a}author") is None:
            if entry.find(f"{a}source/{a}author") is None:
                problems.append(f"MissingAuthor: {where}: no author here or in the feed")
        content = entry.find(f"{a}content")
        alternates = [
            link
            for link in entry.findall(f"{a}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if content is None and not alternates:
            problems.append(f"MissingContentOrAlternate: {where}")
        if content is not None and entry.find(f"{a}summary") is None:
            kind = content.get("type", "text")
            if (
                content.get("src") is not None
                or kind not in ("text", "html", "xhtml")
                and not (kind.endswith("+xml") or kind.endswith("/xml") or kind.startswith("text/"))
            ):
                problems.append(f"MissingSummary: {where}: out-of-line or binary content")
        published = entry.findtext(f"{a}published")
        updated = entry.findtext(f"{a}updated")
        if (
            published
            and updated
            and not rfc3339_problems(published, "")
            and not (rfc3339_problems(updated, ""))
        ):
            if _instant(updated) < _instant(published):
                problems.append(f"UpdatedBeforePublished: {where}: {updated} < {published}")
        entry_ids[(entry.findtext(f"{a}id") or "", updated or "")] += 1
    problems.extend(
        f"DuplicateEntries: {count} entries share the id {key[0]!r} and updated {key[1]!r}"
        for key, count in entry_ids.items()
        if count > 1
    )
    return problems


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))


def _atom_common(parent: etree._Element, where: str) -> list[str]:
    """Rules for a feed or entry's own children: ids, dates, links, text constructs."""
    a = f"{{{ATOM}}}"
    problems = []
    lang = parent.get(f"{{{XML_NS}}}lang")
    if lang is not None and not LANGUAGE.match(lang):
        problems.append(f"InvalidLanguage: {where}: xml:lang={lang!r}")
    if parent.get(f"{{{XML_NS}}}base") is not None:
        problems.append(f"UnexpectedBase: {where}: URLs must be absolute without xml:base")
    ident = parent.findtext(f"{a}id")
    if ident is not None and not is_absolute_iri(ident):
        problems.append(f"InvalidIRI: {where} id: {ident!r} is not an absolute IRI")
    for name in ("updated", "published"):
        value = parent.findtext(f"{a}{name}")
        if value is not None:
            problems.extend(rfc3339_problems(value, f"{where} {name}"))
    seen: Counter[tuple[str, str, str]] = Counter()
    for link in parent.findall(f"{a}link"):
        rel = link.get("rel", "alternate")
        href = link.get("href", "")
        if not is_absolute_http(href):
            problems.append(f"ContainsRelRef: {where} link rel={rel}: href={href!r}")
        if rel not in ATOM_RELS and not is_absolute_iri(rel):
            problems.append(f"UnregisteredAtomLinkRel: {where}: rel={rel!r}")
        length = link.get("length")
        if length is not None and not length.isdigit():
            problems.append(f"InvalidIntegerAttribute: {where} link length={length!r}")
        if rel == "enclosure" and not link.get("type"):
            problems.append(f"MissingAttribute: {where} enclosure link has no type")
        if rel in ("alternate", "self"):
            seen[(rel, link.get("type", ""), link.get("hreflang", ""))] += 1
    for (rel, kind, lang_), count in seen.items():
        if count > 1:
            problems.append(
                f"DuplicateAtomLink: {where}: {count} rel={rel} links of type {kind!r} "
                f"and hreflang {lang_!r}"
            )
    for category in parent.findall(f"{a}category"):
        scheme = category.get("scheme")
        if scheme is not None and not is_absolute_iri(scheme):
            problems.append(f"InvalidIRI: {where} category scheme {scheme!r}")
        if not category.get("term", "").strip():
            problems.append(f"NotBlank: {where} category term is empty")
    for person in (*parent.findall(f"{a}author"), *parent.findall(f"{a}contributor")):
        uri = person.findtext(f"{a}uri")
        if uri is not None and not is_absolute_iri(uri):
            problems.append(f"InvalidIRI: {where} author uri {uri!r}")
        if not (person.findtext(f"{a}name") or "").strip():
            problems.append(f"NotBlank: {where} author name is empty")
    for name in ("title", "subtitle", "summary", "rights", "content"):
        for element in parent.findall(f"{a}{name}"):
            kind = element.get("type", "text")
            text = element.text or ""
            if kind == "html":
                problems.extend(html_problems(text, f"{where} {name}"))
            elif kind == "text" and HTML_MARKUP.search(text):
                problems.append(f"ContainsUndeclaredHTML: {where} {name}")
    title = parent.find(f"{a}title")
    if title is not None and not (title.text or "").strip():
        problems.append(f"NotBlank: {where} title is empty")
    return problems


@lru_cache(maxsize=1)
def jsonfeed_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "jsonfeed-1.1.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def check_jsonfeed(data: bytes, location: str = "") -> list[str]:
    """Problems of a JSON Feed 1.1 document: its schema, then its rules; ``[]`` when valid."""
    try:
        feed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"NotJSON: document: {exc}"]
    problems = [
        f"SchemaInvalid: {'/'.join(str(p) for p in e.absolute_path) or 'feed'}: {e.message}"
        for e in jsonfeed_validator().iter_errors(feed)
    ]
    if not isinstance(feed, dict):
        return problems
    if feed.get("version") != JSONFEED_VERSION:
        problems.append(f"InvalidVersion: feed: {feed.get('version')!r}")
    if location and feed.get("feed_url") != location:
        problems.append(f"SelfDoesntMatchLocation: {feed.get('feed_url')!r} is not {location!r}")
    urls: list[tuple[str, Any]] = [
        (f"feed {key}", feed[key])
        for key in ("home_page_url", "feed_url", "next_url", "icon", "favicon")
        if key in feed
    ]
    for author in feed.get("authors", []) if isinstance(feed.get("authors"), list) else []:
        if isinstance(author, dict):
            urls.extend((f"feed author {k}", author[k]) for k in ("url", "avatar") if k in author)
    ids: Counter[str] = Counter()
    items: list[Any] = feed["items"] if isinstance(feed.get("items"), list) else []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            continue
        where = f"item {number}"
        ident = item.get("id")
        if not isinstance(ident, str):
            problems.append(f"InvalidId: {where}: id must be a string, not {ident!r}")
        else:
            ids[ident] += 1
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"MissingContent: {where}: content_html or content_text")
        urls.extend(
            (f"{where} {key}", item[key])
            for key in ("url", "external_url", "image", "banner_image")
            if key in item
        )
        for author in item.get("authors", []) if isinstance(item.get("authors"), list) else []:
            if isinstance(author, dict):
                urls.extend(
                    (f"{where} author {k}", author[k]) for k in ("url", "avatar") if k in author
                )
        for attachment in item.get("attachments", []) or []:
            if isinstance(attachment, dict) and "url" in attachment:
                urls.append((f"{where} attachment url", attachment["url"]))
        for key in ("date_published", "date_modified"):
            if isinstance(item.get(key), str):
                problems.extend(rfc3339_problems(item[key], f"{where} {key}"))
        if isinstance(item.get("content_html"), str):
            problems.extend(html_problems(item["content_html"], f"{where} content_html"))
        if isinstance(item.get("title"), str) and HTML_MARKUP.search(item["title"]):
            problems.append(f"ContainsHTML: {where} title")
    problems.extend(
        f"InvalidURL: {where}: {url!r} is not an absolute http(s) URL"
        for where, url in urls
        if not (isinstance(url, str) and is_absolute_http(url))
    )
    problems.extend(
        f"DuplicateId: {count} items share the id {ident!r}"
        for ident, count in ids.items()
        if count > 1
    )
    return problems
