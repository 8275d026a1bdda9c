"""The Textual face of tuireader. Widgets render; the core parses and stores."""

import os

#: Textual paints changes on a timer of 1/60 s by default, so a key's new
#: rows waited up to 17 ms (8 on average) for the next tick after they were
#: ready; a paint is 2 to 6 ms and only done when something changed. Set
#: here, before Textual is imported; ``TEXTUAL_FPS`` set by the user wins.
FRAMES_PER_SECOND = 240
os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))
