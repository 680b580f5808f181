"""Pickling helpers for the frozen model dataclasses that cross between processes.

Ingest reads feeds in worker processes and sends the parsed articles back pickled:
thousands of ``Article`` and ``Block`` values a poll. A frozen slotted dataclass pickles
by default as a state of its slots, restored one ``object.__setattr__`` at a time;
``by_fields`` makes it pickle as its class and its field values in order instead, rebuilt
by its own ``__init__`` (a frozen dataclass's ``__init__`` does no more than set them).
Measured on the ingest benchmark's items: dumps 0.045 to 0.033 ms an item, loads 0.05
to 0.03 ms.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


def by_fields(cls: type[T]) -> type[T]:
    """Give the dataclass ``cls`` (two fields or more, all set by ``__init__``, no
    ``__post_init__``) a ``__reduce__`` that pickles it as its field values."""
    names = [spec.name for spec in fields(cls)]  # type: ignore[arg-type]
    if len(names) < 2 or any(not spec.init for spec in fields(cls)):  # type: ignore[arg-type]
        raise TypeError(f"{cls.__name__}: by_fields needs two fields or more, all in __init__")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: by_fields would run its __post_init__ again")
    values = attrgetter(*names)

    def __reduce__(self: T) -> tuple[type[T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls
