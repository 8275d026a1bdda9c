"""Widgets of the reader: each renders state it is given and announces events."""
