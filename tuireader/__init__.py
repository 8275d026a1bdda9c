"""tuireader: a fast, keyboard-driven terminal reader for daily arXiv digests."""

__version__ = "0.1.0"
