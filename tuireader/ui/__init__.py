"""The Textual face of tuireader. Widgets render; the core parses and stores.

Importing it sets two things about the process the app runs in (the commands
never import it).
"""

import os
import sys

#: Textual paints changes on a timer of 1/60 s by default, so a key's new
#: rows waited up to 17 ms (8 on average) for the next tick after they were
#: ready; a paint is 2 to 6 ms and only done when something changed. Set
#: here, before Textual is imported; ``TEXTUAL_FPS`` set by the user wins.
FRAMES_PER_SECOND = 240
os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))

#: While a cold start parses, the loader's thread runs Python the whole
#: time, and the UI thread waits up to this long for the GIL every time it
#: comes back from its event loop's select (5 ms by default, many times a
#: key). At 1 ms, keys typed during a load were answered in a real terminal
#: in 38.6-40.8 ms median (four runs of three starts at 100,000 papers)
#: against 39.5-53.8 at 5 ms (five runs, 47 the middle one).
SWITCH_INTERVAL = 0.001
sys.setswitchinterval(SWITCH_INTERVAL)
