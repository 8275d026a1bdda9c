"""Command-palette commands, named "area: action": dates and saved searches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tuireader.core import config as settings
from tuireader.core.reader import plural
from tuireader.core.scope import Scope
from tuireader.ui.notify import say

#: Dates offered before the user types anything.
DISCOVERED_DATES = 7

Command = tuple[str, Callable[[], object], str]


class DateCommands(Provider):
    """ "Go to date: …" for every date; typed digits match dates by prefix first."""

    def _dates(self) -> list[Command]:
        from tuireader.ui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return []
        return [
            (
                f"Go to date: {day:%Y-%m-%d %a}",
                partial(screen.choose_scope, Scope.of_day(day)),
                plural(len(ids), "paper"),
            )
            for day, ids in screen.reader.library.by_date.items()
        ]

    async def discover(self) -> Hits:
        for title, callback, help_text in self._dates()[:DISCOVERED_DATES]:
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        prefix = query.strip().lower()
        for n, (title, callback, help_text) in enumerate(self._dates()):
            day = title.removeprefix("Go to date: ")
            if prefix and day.lower().startswith(prefix):
                # "2021" lists 2021's dates, newest first, before any fuzzy
                # match (whose scores are not bounded: these are far above).
                score = 1e9 - n
                shown = Text(title)
                shown.stylize(
                    "bold underline", len("Go to date: "), len("Go to date: ") + len(prefix)
                )
                yield Hit(score, shown, callback, help=help_text)
            elif (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class SearchCommands(Provider):
    """Saved searches: show, save the current query, watch, rename, delete."""

    def _commands(self) -> Iterator[Command]:
        from tuireader.ui.main_actions import save_search
        from tuireader.ui.screens.dialogs import PromptScreen
        from tuireader.ui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return
        reader = screen.reader
        query = screen.filter_bar.value.strip()
        if query:
            yield ("Search: save the current query", partial(save_search, screen, query), query)
            yield (
                "Search: save the current query as a watch",
                partial(save_search, screen, query, True),
                "Its papers are marked ◆ in every list",
            )
        searches = reader.config.searches

        def change(new: tuple[settings.SavedSearch, ...], message: str) -> None:
            try:
                settings.save_searches(new)
            except (OSError, ValueError) as error:
                say(screen.app, f"Could not save the searches: {error}", severity="error")
                return
            reader.config = settings.load_config()
            say(screen.app, message, timeout=3)
            screen.contents_changed()
            screen.loader.background.count_searches()

        for search in searches:
            others = tuple(s for s in searches if s is not search)
            yield (
                f"Search: show “{search.name}”",
                partial(screen.choose_scope, Scope("saved", search.name)),
                search.query,
            )
            yield (
                f"Search: delete “{search.name}”",
                partial(change, others, f"Deleted the search “{search.name}”"),
                search.query,
            )
            flipped = settings.SavedSearch(search.name, search.query, not search.watch)
            watching = "Stop watching" if search.watch else "Watch"
            yield (
                f"Search: {watching.lower()} “{search.name}”",
                partial(
                    change,
                    tuple(flipped if s is search else s for s in searches),
                    f"{watching}: {search.name}",
                ),
                "A watch marks its papers ◆ in every list and counts the unread ones",
            )

            def renamed(name: str | None, search: settings.SavedSearch = search) -> None:
                if name and name != search.name:
                    new = settings.SavedSearch(name, search.query, search.watch)
                    kept = tuple(new if s is search else s for s in searches if s.name != name)
                    change(kept, f"Renamed “{search.name}” to “{name}”")

            yield (
                f"Search: rename “{search.name}”",
                partial(screen.app.push_screen, PromptScreen("New name", search.name), renamed),
                search.query,
            )

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            if title.startswith("Search: show") or title.startswith("Search: save"):
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class RelevanceCommands(Provider):
    """ "Relevance: …": order the list by likeness to the stars or to a tag."""

    def _commands(self) -> Iterator[Command]:
        from tuireader.ui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return
        yield (
            "Relevance: order by likeness to your stars",
            partial(screen.rank_by, None),
            "Most like the papers you starred first",
        )
        for tag in screen.reader.store.tag_names():
            yield (
                f"Relevance: order by likeness to #{tag}",
                partial(screen.rank_by, tag),
                f"Most like the papers tagged {tag} first",
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
