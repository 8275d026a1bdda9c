"""Command-palette commands, named "area: action"."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

#: Dates offered before the user types anything.
DISCOVERED_DATES = 7


class DateCommands(Provider):
    """ "Go to date: …" for every date in the library."""

    def _dates(self) -> list[tuple[str, object, str]]:
        from tuireader.ui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return []
        library = screen.library
        return [
            (
                f"Go to date: {day:%Y-%m-%d %a}",
                partial(screen.choose_scope, day),
                f"{len(ids)} papers",
            )
            for day, ids in library.by_date.items()
        ]

    async def discover(self) -> Hits:
        for title, callback, help_text in self._dates()[:DISCOVERED_DATES]:
            yield DiscoveryHit(title, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._dates():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)  # type: ignore[arg-type]
