"""Screens of the reader: the main screen owns state, dialogs collect input."""
