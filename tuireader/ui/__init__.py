"""The Textual face of tuireader. Widgets render; the core parses and stores."""
