"""The pure layer: parsing, library, search, storage and export.

Nothing in this package imports Textual, so the scripting commands start fast
and the logic is testable without a terminal.
"""
