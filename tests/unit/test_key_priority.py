"""The loader's thread gives way to a typed key until its rows are painted,
and never longer than a bound (a key whose rows never come)."""

from __future__ import annotations

import threading

from tuireader.ui.key_priority import KeyPriority


def given_way_in_a_thread(keys: KeyPriority) -> threading.Event:
    """Run ``give_way`` in another thread; the event is set once it returns."""
    returned = threading.Event()
    threading.Thread(target=lambda: (keys.give_way(), returned.set()), daemon=True).start()
    return returned


def test_no_key_no_wait() -> None:
    assert given_way_in_a_thread(KeyPriority()).wait(5)


def test_the_loader_waits_from_a_key_until_its_rows_are_painted() -> None:
    keys = KeyPriority()
    keys.key_typed()
    returned = given_way_in_a_thread(keys)
    assert not returned.wait(0.03)  # the key's rows are not painted yet
    keys.key_painted()
    assert returned.wait(5)
    assert given_way_in_a_thread(keys).wait(5)  # painted: no more waiting


def test_a_key_whose_rows_never_come_holds_the_loader_a_moment_only() -> None:
    keys = KeyPriority()
    keys.key_typed()
    assert given_way_in_a_thread(keys).wait(5)  # LONGEST (0.1 s) is the bound
