"""IPTC NewsML-G2 news items (and NewsML 1.x items) into entries.

The XML is read with lxml safely: no network, no entity expansion, no huge trees, comments
and processing instructions dropped, and a document whose DTD has an internal subset
(where entity tricks live) refused. A bare ``<!DOCTYPE x SYSTEM "...">`` is allowed: the
DTD is never loaded.

NewsML-G2 (namespace ``http://iptc.org/std/nar/2006-10-01/``): a bare ``newsItem``, or a
``newsMessage`` holding several items in its ``itemSet``. Per ``newsItem``:

- ``@guid`` is the id (``@version`` is not kept: ``versionCreated`` orders versions);
- ``itemMeta``: ``firstCreated`` is the publication time and ``versionCreated`` the update
  time (else ``contentMeta`` ``contentCreated``/``contentModified``); ``provider`` names
  the publisher (else an ``infoSource``, else the message's ``sender``); a ``link`` whose
  ``rel`` is ``alternate``, ``canonical`` or ``web`` is the link;
- ``contentMeta``: the ``headline`` with role ``main`` (else the first), else the
  ``slugline``; a ``description`` with no role or a summary role is the summary (so the
  deck); ``by`` and ``creator`` names are the authors; ``subject`` names and ``keyword``
  values the categories; the place of ``dateline`` (else the ``located`` name) is the
  fallback dateline; ``language@tag`` (else the item's ``xml:lang``) the language;
- ``contentSet``: an ``inlineXML`` XHTML body (its ``body`` element's children, serialized
  as HTML), else an NITF ``body.content``, else an ``inlineData`` (HTML when its
  ``contenttype`` says so, else plain text).

Items whose ``itemClass`` is a picture, video, graphic or audio, items withdrawn
(``pubStatus`` canceled or withheld) and other kinds of item (``packageItem``,
``conceptItem``...) are skipped with a message.

NewsML 1.x (root ``NewsML``, no namespace; the IPTC ninjs examples hold Business Wire
ones): per ``NewsItem``, ``PublicIdentifier`` is the id, ``FirstCreated`` and
``ThisRevisionCreated`` the times; the ``HeadLine``, ``DateLine`` and ``ByLine`` of the
news lines outside any role-bearing component; the ``Body`` (or ``Main``) component's
content is the body and the ``SubHeadLine`` one's the summary; ``Language``; properties
named ``...Keywords`` are categories; the first-ranked ``Photo`` component (low-resolution
rendition first) the lead image, its headline the caption; the envelope's sender the
publisher.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from typing import Any

from lxml import etree

from dateline.ingest.blocks import single_line
from dateline.ingest.formats.entry import FeedDocument, FeedEntry, http_url, text_html
from dateline.ingest.structure import split_dateline
from dateline.model import InvalidItem

NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
G2_ROOTS = frozenset(
    {"newsItem", "newsMessage", "packageItem", "conceptItem", "knowledgeItem", "planningItem"}
)
_NOT_TEXT = {
    "picture": "a picture",
    "video": "a video",
    "graphic": "a graphic",
    "audio": "an audio item",
    "animation": "an animation",
}
_WITHDRAWN = frozenset({"canceled", "cancelled", "withheld"})
_LINK_RELS = frozenset({"alternate", "canonical", "web"})
_SUMMARY_ROLES = frozenset({"summary", "abstract", "teaser", "lead", "synopsis", "description"})
_RENDITIONS = ("Lowres", "Viewimage", "Highres", "Thumbnail")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_Element = etree._Element


def read_newsml(data: bytes, *, url: str) -> FeedDocument:
    """The entries of a NewsML-G2 (or NewsML 1.x) document.

    Raises ``InvalidItem`` when the bytes are not well-formed XML, carry a DTD internal
    subset, or are not NewsML.
    """
    root = _parse(data, url)
    name = etree.QName(root)
    if name.namespace == NAR and name.localname in G2_ROOTS:
        return _read_g2(root)
    if name.localname == "NewsML" and not name.namespace:
        return _read_v1(root)
    raise InvalidItem(url, f"is not NewsML: its root element is {name.localname!r}")


def _parse(data: bytes, url: str) -> _Element:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidItem(url, f"is not well-formed XML: {single_line(str(exc))}") from exc
    dtd: Any = root.getroottree().docinfo.internalDTD  # lxml-stubs lack DTD's iterators
    if dtd is not None and (list(dtd.iterelements()) or list(dtd.iterentities())):
        raise InvalidItem(url, "declares a DTD internal subset (entities); refused")
    return root


def _g2(name: str) -> str:
    return f"{{{NAR}}}{name}"


def _local(element: _Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _text(element: _Element | None) -> str:
    return single_line("".join(str(t) for t in element.itertext())) if element is not None else ""


def _code(value: str | None) -> str:
    """The last part of a QCode or URI: ``ninat:text`` and ``.../ninature/text`` give ``text``."""
    return (value or "").rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower()


def _time(value: str) -> datetime | None:
    """An ISO 8601 time (extended or basic form) as aware UTC; no offset is taken as UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _place(dateline: str) -> str:
    """The place of a printed dateline: ``LONDON, March 1 (Reuters)`` gives ``LONDON``."""
    split = split_dateline(f"{escape(dateline, quote=False)} — A")
    return split[0] if split else dateline


def _guarded(
    read: Callable[[_Element, str], FeedEntry | str], item: _Element, publisher: str
) -> FeedEntry | str:
    """One item read, or the message saying why it could not be: it never fails the rest."""
    try:
        return read(item, publisher)
    except Exception as exc:  # odd markup lxml accepted but we did not foresee
        return f"could not be read ({type(exc).__name__}: {exc})"


def _read_g2(root: _Element) -> FeedDocument:
    if etree.QName(root).localname == "newsMessage":
        item_set = root.find(_g2("itemSet"))
        items = [e for e in item_set if isinstance(e.tag, str)] if item_set is not None else []
        sender = _text(root.find(f"{_g2('header')}/{_g2('sender')}"))
    else:
        items, sender = [root], ""
    entries: list[FeedEntry | str] = []
    for item in items:
        kind = _local(item)
        if kind != "newsItem":
            entries.append(f"{item.get('guid') or kind} is a {kind}, not a news item; skipped")
            continue
        entries.append(_guarded(_g2_entry, item, sender))
    return FeedDocument(
        format="newsml-g2",
        title="",
        link="",
        language=root.get(_XML_LANG, ""),
        entries=tuple(entries),
    )


def _g2_entry(item: _Element, sender: str) -> FeedEntry | str:
    guid = single_line(item.get("guid", ""))
    name = guid or "a newsItem without guid"
    meta = item.find(_g2("itemMeta"))
    content = item.find(_g2("contentMeta"))
    meta = meta if meta is not None else etree.Element(_g2("itemMeta"))
    content = content if content is not None else etree.Element(_g2("contentMeta"))
    item_class = meta.find(_g2("itemClass"))
    kind = _code(item_class.get("qcode") or item_class.get("uri")) if item_class is not None else ""
    if kind in _NOT_TEXT:
        return f"{name} is {_NOT_TEXT[kind]}, not a text article; skipped"
    status = meta.find(_g2("pubStatus"))
    if status is not None and _code(status.get("qcode")) in _WITHDRAWN:
        return f"{name} is withdrawn ({status.get('qcode')}); skipped"
    language = content.find(_g2("language"))
    dateline = _text(content.find(_g2("dateline")))
    return FeedEntry(
        id=guid,
        link=_g2_link(meta),
        title=_g2_headline(content),
        summary_html=_g2_summary(content),
        content_html=_g2_body(item.find(_g2("contentSet"))),
        published=_time(meta.findtext(_g2("firstCreated")) or "")
        or _time(content.findtext(_g2("contentCreated")) or ""),
        updated=_time(meta.findtext(_g2("versionCreated")) or "")
        or _time(content.findtext(_g2("contentModified")) or ""),
        authors=tuple(
            [_text(by) for by in content.findall(_g2("by"))]
            + [_concept_name(c) for c in content.findall(_g2("creator"))]
        ),
        categories=tuple(
            [_concept_name(s) for s in content.findall(_g2("subject"))]
            + [_text(k) for k in content.findall(_g2("keyword"))]
        ),
        language=(language.get("tag", "") if language is not None else "")
        or item.get(_XML_LANG, ""),
        base_url="",
        publisher=_g2_publisher(meta, content) or sender,
        dateline=_place(dateline) if dateline else _concept_name(content.find(_g2("located"))),
    )


def _concept_name(concept: _Element | None) -> str:
    """A G2 concept's name: its first ``name`` child, else ``@literal``, else its QCode."""
    if concept is None:
        return ""
    name = _text(concept.find(_g2("name")))
    return name or single_line(concept.get("literal", "")) or _code(concept.get("qcode"))


def _g2_headline(content: _Element) -> str:
    headlines = content.findall(_g2("headline"))
    main = next((h for h in headlines if _code(h.get("role")) == "main"), None)
    chosen = main if main is not None else next(iter(headlines), None)
    return _text(chosen) or _text(content.find(_g2("slugline")))


def _g2_summary(content: _Element) -> str:
    for description in content.findall(_g2("description")):
        role = _code(description.get("role"))
        text = _text(description)
        if text and (not role or role in _SUMMARY_ROLES):
            return text_html(text)
    return ""


def _g2_link(meta: _Element) -> str:
    for link in meta.findall(_g2("link")):
        href = http_url(link.get("href", ""))
        if href and _code(link.get("rel")) in _LINK_RELS:
            return href
    return ""


def _g2_publisher(meta: _Element, content: _Element) -> str:
    provider = _concept_name(meta.find(_g2("provider")))
    if provider:
        return provider
    for source in content.findall(_g2("infoSource")) + meta.findall(_g2("infoSource")):
        if _concept_name(source):
            return _concept_name(source)
    return ""


def _g2_body(content_set: _Element | None) -> str:
    """The body HTML: XHTML ``inlineXML``, else NITF, else ``inlineData`` (HTML, else text)."""
    if content_set is None:
        return ""
    xhtml: list[str] = []
    nitf: list[str] = []
    html: list[str] = []
    text: list[str] = []
    for element in content_set:
        kind = _local(element)
        content_type = (element.get("contenttype") or "").lower()
        if kind == "inlineXML":
            body = element.find(f".//{{{XHTML}}}body")
            if body is None:
                body = element.find(".//body")
            if body is not None:
                xhtml.append(_inner_html(body))
            elif (found := _nitf_body(element)) is not None:
                nitf.append(_inner_html(found))
            else:
                xhtml.append(_inner_html(element))
        elif kind == "inlineData":
            value = element.text or ""
            (html if "html" in content_type else text).append(value)
    for candidate in (*xhtml, *nitf, *html):
        if candidate.strip():
            return candidate
    return next((text_html(t) for t in text if t.strip()), "")


def _nitf_body(element: _Element) -> _Element | None:
    for node in element.iter():
        if _local(node) == "body.content":
            return node
    return None


def _inner_html(element: _Element) -> str:
    """The children of ``element`` serialized as HTML, namespaces and prefixes dropped."""
    bare = copy.deepcopy(element)
    for node in bare.iter():
        if not isinstance(node.tag, str):
            continue
        node.tag = etree.QName(node).localname
        for key in [k for k in node.attrib if str(k).startswith("{")]:
            del node.attrib[key]
    etree.cleanup_namespaces(bare)
    parts = [escape(bare.text or "", quote=False)]
    parts.extend(str(etree.tostring(child, method="html", encoding="unicode")) for child in bare)
    return "".join(parts)


def _read_v1(root: _Element) -> FeedDocument:
    party = root.find("NewsEnvelope/SentFrom/Party")
    service = root.find("NewsEnvelope/NewsService")
    publisher = single_line(
        (party.get("FormalName", "") if party is not None else "")
        or (service.get("FormalName", "") if service is not None else "")
    )
    entries: list[FeedEntry | str] = []
    for item in root.iter("NewsItem"):
        entries.append(_guarded(_v1_entry, item, publisher))
    return FeedDocument(format="newsml-1", title="", link="", language="", entries=tuple(entries))


def _role(component: _Element) -> str:
    role = component.find("Role")
    return role.get("FormalName", "") if role is not None else ""


def _v1_entry(item: _Element, publisher: str) -> FeedEntry | str:
    ident = single_line(item.findtext("Identification/NewsIdentifier/PublicIdentifier") or "")
    if not ident:
        parts = ("ProviderId", "DateId", "NewsItemId", "RevisionId")
        found = [item.findtext(f"Identification/NewsIdentifier/{p}") or "" for p in parts]
        ident = "urn:newsml:" + ":".join(single_line(p) for p in found) if all(found) else ""
    status = item.find("NewsManagement/Status")
    if status is not None and _code(status.get("FormalName")) in _WITHDRAWN:
        return f"{ident or 'a NewsItem'} is withdrawn ({status.get('FormalName')}); skipped"
    top = item.find("NewsComponent")
    components = list(top.iter("NewsComponent")) if top is not None else []
    plain = [c for c in components if not _role(c)]
    lines = [line for c in plain for line in c.findall("NewsLines")]

    def first_line(tag: str) -> str:
        return next((t for t in (_text(ln.find(tag)) for ln in lines) if t), "")

    language = item.find(".//DescriptiveMetadata/Language")
    image, caption = _v1_image(components)
    dateline = first_line("DateLine")
    return FeedEntry(
        id=ident,
        link="",
        title=first_line("HeadLine") or first_line("SlugLine"),
        summary_html=_v1_content(components, ("SubHeadLine", "Abstract", "Summary")),
        content_html=_v1_content(components, ("Body", "Main")),
        published=_time(item.findtext("NewsManagement/FirstCreated") or ""),
        updated=_time(item.findtext("NewsManagement/ThisRevisionCreated") or ""),
        authors=tuple(t for ln in lines for t in (_text(b) for b in ln.findall("ByLine")) if t),
        categories=tuple(
            single_line(p.get("Value", ""))
            for p in item.iter("Property")
            if p.get("FormalName", "").endswith("Keywords") and p.get("Value", "").strip()
        ),
        language=language.get("FormalName", "") if language is not None else "",
        base_url="",
        image_url=image,
        image_caption=caption,
        publisher=publisher,
        dateline=_place(dateline) if dateline else "",
    )


def _v1_content(components: list[_Element], roles: tuple[str, ...]) -> str:
    """The HTML of the first component with one of ``roles`` that has readable content."""
    for component in components:
        if _role(component) not in roles:
            continue
        for content_item in component.findall("ContentItem"):
            mime = content_item.find("MimeType")
            kind = (mime.get("FormalName", "") if mime is not None else "").lower()
            data = content_item.find("DataContent")
            if data is None:
                continue
            body = data.find(f".//{{{XHTML}}}body")
            if body is None:
                body = data.find(".//body")
            if body is not None:
                return _inner_html(body)
            if "html" in kind and len(data):
                return _inner_html(data)
            if "html" in kind:
                return data.text or ""
            if kind in ("", "text/plain") and (data.text or "").strip():
                return text_html(data.text or "")
    return ""


def _v1_image(components: list[_Element]) -> tuple[str, str]:
    """The first-ranked photo's URL (low resolution first) and its headline as caption."""

    def rank(component: _Element) -> int:
        for prop in component.iterfind("DescriptiveMetadata/Property"):
            if prop.get("FormalName") == "Rank" and prop.get("Value", "").isdigit():
                return int(prop.get("Value", "0"))
        return 1_000

    photos = sorted((c for c in components if _role(c) == "Photo"), key=rank)
    for photo in photos:
        renditions: dict[str, str] = {}
        for content_item in photo.findall("ContentItem"):
            mime = content_item.find("MimeType")
            href = content_item.get("Href", "")
            if mime is None or not mime.get("FormalName", "").startswith("image/") or not href:
                continue
            use = next(
                (
                    p.get("Value", "")
                    for p in content_item.iterfind("Characteristics/Property")
                    if p.get("FormalName") == "ImageUse"
                ),
                "",
            )
            renditions.setdefault(use, href)
        href = next((renditions[u] for u in _RENDITIONS if u in renditions), "")
        href = href or next(iter(renditions.values()), "")
        if href:
            return href, _text(photo.find("NewsLines/HeadLine"))
    return "", ""
