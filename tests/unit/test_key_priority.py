"""The loader's thread gives way to a typed key until its rows are painted,
and never longer than a bound (a key whose rows never come)."""

from __future__ import annotations

import sys
import threading

import pytest

from tuireader.ui.key_priority import LOADING_SWITCH_INTERVAL, KeyPriority, gil_handed_over_often


def given_way_in_a_thread(keys: KeyPriority) -> threading.Event:
    """Run ``give_way`` in another thread; the event is set once it returns."""
    returned = threading.Event()
    threading.Thread(target=lambda: (keys.give_way(), returned.set()), daemon=True).start()
    return returned


def test_no_key_no_wait() -> None:
    assert given_way_in_a_thread(KeyPriority()).wait(5)


def test_the_loader_waits_from_a_key_until_its_rows_are_painted() -> None:
    keys = KeyPriority()
    keys.rows_asked()
    returned = given_way_in_a_thread(keys)
    assert not returned.wait(0.03)  # the key's rows are not painted yet
    keys.rows_painted()
    assert returned.wait(5)
    assert given_way_in_a_thread(keys).wait(5)  # painted: no more waiting


def test_a_key_whose_rows_never_come_holds_the_loader_a_moment_only() -> None:
    keys = KeyPriority()
    keys.rows_asked()
    assert given_way_in_a_thread(keys).wait(5)  # LONGEST (0.1 s) is the bound


def test_the_gil_is_handed_over_often_while_loading_and_as_before_after() -> None:
    before = sys.getswitchinterval()
    with pytest.raises(RuntimeError), gil_handed_over_often():
        assert sys.getswitchinterval() == pytest.approx(LOADING_SWITCH_INTERVAL)
        raise RuntimeError("the load broke")
    assert sys.getswitchinterval() == before != pytest.approx(LOADING_SWITCH_INTERVAL)


def test_a_reload_inside_a_load_leaves_the_interval_as_it_was() -> None:
    """Threads overlap (the first load starts the reload): the interval
    comes back when the last of them is done."""
    before = sys.getswitchinterval()
    load, reload = gil_handed_over_often(), gil_handed_over_often()
    load.__enter__()
    reload.__enter__()
    load.__exit__(None, None, None)
    assert sys.getswitchinterval() == pytest.approx(LOADING_SWITCH_INTERVAL)
    reload.__exit__(None, None, None)
    assert sys.getswitchinterval() == before
