"""Thin handlers: parse the request, call the store and the weather cache, render.

Modules: ``home``, ``article``, ``listing`` (section, author, topic), ``api`` (JSON),
``errors`` (404), ``static`` (hashed assets), and ``common`` (site context, rendering).
"""
