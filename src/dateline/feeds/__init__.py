"""Outbound feeds: pure renderers from model values to RSS 2.0, Atom 1.0 and JSON Feed 1.1 bytes."""
