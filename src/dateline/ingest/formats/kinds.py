"""How error messages name the type of a JSON value: ``a number``, ``a list``, ``null``..."""

from __future__ import annotations


def json_kind(value: object) -> str:
    """The kind of a decoded JSON value, as a message shows it."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    return "a string"
