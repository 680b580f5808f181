"""Content codings undone incrementally, a bounded piece at a time (``ingest.fetch`` bodies).

gzip (several members in a row), deflate (zlib-wrapped or raw) and, when the installed
brotli can cap its output per call (brotli 1.2), br. Each decoder yields at most
``STEP`` bytes per piece, so the reader can stop as soon as a size limit is passed: a
compression bomb costs about the limit in memory, never its inflated size. Bad or
truncated data raises ``ValueError``.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import Protocol

STEP = 64 * 1024  # most bytes one inflate call may produce


def _bounded_brotli() -> ModuleType | None:
    """A brotli module able to cap output per call (``output_buffer_limit``), if installed."""
    for name in ("brotli", "brotlicffi"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module.Decompressor(), "can_accept_more_data"):
            return module
    return None


BROTLI = _bounded_brotli()
ACCEPT_ENCODING = "gzip, deflate, br" if BROTLI else "gzip, deflate"


class Decoder(Protocol):
    """One content coding undone incrementally; raises ``ValueError`` on bad data."""

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Output for ``data``, in pieces of at most 64 KiB."""
        ...

    def flush(self) -> Iterator[bytes]:
        """The rest of the output; raises ``ValueError`` if the stream is truncated."""
        ...


class _Inflater:
    """gzip (members in a row) or deflate (zlib-wrapped or raw), 64 KiB at a time."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._name = "gzip" if gzip else "deflate"
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16) if gzip else None
        self._head = b""  # deflate: the first bytes, until the zlib header can be told

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Inflated output for ``data``."""
        if self._inflate is None:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS if _zlib_header(data) else -15)
        yield from self._drain(data)

    def flush(self) -> Iterator[bytes]:
        """Nothing more (each feed drains fully); checks the stream ended."""
        if self._inflate is None:
            self._inflate = zlib.decompressobj(-15)
            yield from self._drain(self._head)
        if not self._inflate.eof:
            raise ValueError(f"the {self._name} body is truncated")

    def _drain(self, data: bytes) -> Iterator[bytes]:
        assert self._inflate is not None
        while True:
            if self._inflate.eof:
                if not (self._gzip and data.startswith(b"\x1f")):
                    return  # trailing bytes after the stream are ignored, as gzip(1) does
                self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
            try:
                out = self._inflate.decompress(data, STEP)
            except zlib.error as exc:
                raise ValueError(f"malformed {self._name} body ({exc})") from None
            if out:
                yield out
            eof = self._inflate.eof
            data = self._inflate.unused_data if eof else self._inflate.unconsumed_tail
            if not data and (eof or len(out) < STEP):
                return


def _zlib_header(data: bytes) -> bool:
    """Whether ``data`` opens with a zlib header (RFC 1950) rather than raw deflate."""
    return data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


class _Brotli:
    """br, through a brotli module whose decompressor can cap its output."""

    def __init__(self, module: ModuleType) -> None:
        self._decompressor = module.Decompressor()
        self._error: type[Exception] = module.error

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decompressed output for ``data``."""
        try:
            yield self._decompressor.process(data, output_buffer_limit=STEP)
            while not self._decompressor.can_accept_more_data():
                out = self._decompressor.process(b"", output_buffer_limit=STEP)
                if not out:
                    raise ValueError("malformed br body (no progress)")
                yield out
        except self._error as exc:
            raise ValueError(f"malformed br body ({exc})") from None

    def flush(self) -> Iterator[bytes]:
        """Checks the stream ended."""
        if not self._decompressor.is_finished():
            raise ValueError("the br body is truncated")
        yield from ()


def decoders_for(content_encoding: str) -> list[Decoder]:
    """Decoders undoing ``Content-Encoding`` (applied in order, so undone last first)."""
    decoders: list[Decoder] = []
    for coding in reversed([c.strip().lower() for c in content_encoding.split(",")]):
        if coding in ("", "identity"):
            continue
        if coding in ("gzip", "x-gzip", "deflate"):
            decoders.append(_Inflater(gzip=coding != "deflate"))
        elif coding == "br" and BROTLI is not None:
            decoders.append(_Brotli(BROTLI))
        else:
            raise ValueError(f"unsupported Content-Encoding {coding!r}")
    return decoders


def through(decoders: list[Decoder], pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces`` passed lazily through every decoder in turn."""
    for decoder in decoders:
        pieces = _fed(decoder, pieces)
    return iter(pieces)


def _fed(decoder: Decoder, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from decoder.feed(piece)


def finish(decoders: list[Decoder]) -> Iterator[bytes]:
    """Flush each decoder in turn, its rest passed through the ones after it."""
    for index, decoder in enumerate(decoders):
        yield from through(decoders[index + 1 :], decoder.flush())
