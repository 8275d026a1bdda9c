"""Regenerate docs/screenshot.svg: the reader on the bundled samples at 120×40.

Runs the real app headless with throwaway data folders, stars two papers,
writes a note and types a filter, then saves Textual's SVG screenshot::

    python docs/screenshot.py
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


async def capture(target: Path) -> None:
    from tuireader.core.locations import bundled_samples
    from tuireader.ui.app import ReaderApp

    app = ReaderApp([str(bundled_samples())])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("slash", *"segmentation", "enter")
        await app.workers.wait_for_complete()
        await pilot.press("s", "j", "j", "s", "n", *"Compare with our baseline", "ctrl+s")
        await pilot.press("k")
        await pilot.pause(0.3)
        app.save_screenshot(filename=target.name, path=str(target.parent))


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        for name in ("DATA", "CONFIG", "CACHE", "STATE"):
            os.environ[f"XDG_{name}_HOME"] = str(Path(scratch, name.lower()))
        asyncio.run(capture(HERE / "screenshot.svg"))


if __name__ == "__main__":
    main()
