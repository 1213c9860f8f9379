"""runtime.keep_until_exit: a one-shot process leaves large values for its end; any other frees them as usual."""

from __future__ import annotations

import gc
import weakref

from cjmc import runtime


class _Model:
    pass


def test_values_are_held_only_in_a_one_shot_process(monkeypatch) -> None:
    monkeypatch.setattr(runtime, "_KEPT", [])
    monkeypatch.setattr(runtime, "ONE_SHOT", False)
    model = _Model()
    gone = weakref.ref(model)
    runtime.keep_until_exit(model)
    del model
    gc.collect()
    assert gone() is None, "a library user or `cjmc serve` must get its memory back"

    monkeypatch.setattr(runtime, "ONE_SHOT", True)
    model = _Model()
    kept = weakref.ref(model)
    runtime.keep_until_exit(model, "another value")
    del model
    gc.collect()
    assert kept() is not None
