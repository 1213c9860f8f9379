"""fast_frozen keeps a frozen dataclass's behaviour: same constructor, equality, hashing, immutability, pickles."""

from __future__ import annotations

import copy
import dataclasses
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cjmc import model
from cjmc.diagnostics import Position
from cjmc.frozen import POSITION_FIELDS, compiled_restore, dumps_without_positions, fast_frozen
from cjmc.pipeline import compile_project

from .leaks import compiled_or_skip, small_blocks_kept

REPO = Path(__file__).resolve().parents[2]


def _declare(name: str) -> type:
    """The same class under ``name``, declared afresh (so each decoration starts from a plain class)."""

    class Item:
        name: str
        size: int = 3
        tags: dict = field(default_factory=dict)
        derived: int = field(init=False, repr=False, compare=False)
        calls: int = field(init=False, default=0, compare=False)
        seen: list = field(init=False, default_factory=list, compare=False)

        def __post_init__(self) -> None:
            object.__setattr__(self, "derived", self.size * 2)

    Item.__name__ = Item.__qualname__ = name  # found by pickle at module level
    return Item


Plain = dataclass(frozen=True, slots=True)(_declare("Plain"))
Fast = fast_frozen(dataclass(frozen=True, slots=True)(_declare("Fast")))


@pytest.mark.parametrize("args, kwargs", [(("a",), {}), (("a", 5), {}), (("a",), {"tags": {"x": 1}}),
                                          ((), {"name": "b", "size": 0})])
def test_the_constructor_behaves_like_the_dataclass_one(args, kwargs) -> None:
    plain, fast = Plain(*args, **kwargs), Fast(*args, **kwargs)
    assert dataclasses.astuple(plain) == dataclasses.astuple(fast)
    assert repr(plain).replace("Plain", "Fast") == repr(fast)
    assert fast.derived == plain.derived  # __post_init__ ran
    assert (fast.calls, fast.seen) == (plain.calls, plain.seen) == (0, [])  # fields outside __init__, from defaults


def test_defaults_from_a_factory_are_not_shared() -> None:
    first, second = Fast("a"), Fast("b")
    assert first.tags == {} and first.tags is not second.tags


def test_missing_and_unknown_arguments_are_refused_like_the_dataclass_does() -> None:
    with pytest.raises(TypeError):
        Fast()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Fast("a", colour="red")  # type: ignore[call-arg]


def test_it_stays_frozen_hashable_and_equal_by_value() -> None:
    fast = Fast("a", 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.size = 5  # type: ignore[misc]
    assert fast == Fast("a", 4) and fast != Fast("a", 5)
    assert hash(Position("f", 1, 2)) == hash(Position("f", 1, 2))


def test_pickling_and_copying_round_trip_and_recompute_derived_fields() -> None:
    fast = Fast("a", 4, {"k": [1]})
    for clone in (pickle.loads(pickle.dumps(fast)), copy.deepcopy(fast), copy.copy(fast)):
        assert clone == fast and clone.derived == 8


def test_only_frozen_slotted_dataclasses_are_accepted() -> None:
    @dataclass(frozen=True)
    class NoSlots:
        name: str

    with pytest.raises(TypeError):
        fast_frozen(NoSlots)


def test_a_linked_project_survives_pickling_unchanged() -> None:
    project = compile_project(REPO / "examples").project
    assert project is not None and project.journeys
    for journey in project.journeys.values():
        clone = pickle.loads(pickle.dumps(journey, protocol=pickle.HIGHEST_PROTOCOL))
        assert clone == journey
        assert clone.steps == journey.steps and [clone.step(s.id) for s in clone.steps] == list(journey.steps)
        assert {k: clone.value_pos[k] for k in clone.value_pos} == {k: journey.value_pos[k] for k in journey.value_pos}
    for name in ("personas", "channels", "teams", "touchpoints", "metrics", "evidence"):
        table = getattr(project, name)
        assert pickle.loads(pickle.dumps(table)) == table


def test_a_journeys_pain_points_and_opportunities_are_made_once_and_not_pickled() -> None:
    """``Journey.pain_points`` and ``opportunities`` are kept once asked for; a clone (pickled before or
    after) makes its own and equals the journey."""
    project = compile_project(REPO / "examples").project
    journey = max(project.journeys.values(), key=lambda j: len(j.pain_points))
    before = pickle.dumps(journey, protocol=pickle.HIGHEST_PROTOCOL)
    clone_before = pickle.loads(before)
    pains, opportunities = journey.pain_points, journey.opportunities
    assert pains and opportunities
    assert journey.pain_points is pains and journey.opportunities is opportunities
    assert pains == tuple((step, pp) for step in journey.steps for pp in step.pain_points)
    assert opportunities == tuple((step, op) for step in journey.steps for op in step.opportunities)
    data = pickle.dumps(journey, protocol=pickle.HIGHEST_PROTOCOL)
    assert data == before, "what was asked is not pickled"
    clone_after = pickle.loads(data)
    assert clone_after == journey == clone_before
    assert clone_after.pain_points == pains and clone_after.pain_points is not pains


def test_unpickled_position_tables_are_unpacked_when_first_read() -> None:
    project = compile_project(REPO / "examples").project
    steps = [step for journey in project.journeys.values() for step in journey.steps]
    step = next(step for step in steps if len(step.value_pos) > 3)
    clone = pickle.loads(pickle.dumps(step, protocol=pickle.HIGHEST_PROTOCOL))
    packed = clone.value_pos._raw
    assert packed._numbers is None
    assert list(clone.value_pos) == list(step.value_pos) and len(clone.value_pos) == len(step.value_pos)
    assert packed._numbers is None, "listing the keys unpacks nothing"
    assert {key: clone.value_pos[key] for key in clone.value_pos} == {key: pos for key, pos in step.value_pos.items()}
    assert packed._numbers is not None
    again = pickle.loads(pickle.dumps(clone, protocol=pickle.HIGHEST_PROTOCOL))
    assert dict(again.value_pos.items()) == dict(step.value_pos.items())


def without_positions(value: object) -> object:
    """``value`` with every model object's ``pos`` and ``value_pos`` set to None, made by the constructors."""
    if isinstance(value, tuple):
        return tuple(without_positions(item) for item in value)
    if isinstance(value, dict):
        return {key: without_positions(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value)(**{f.name: None if f.name in POSITION_FIELDS else without_positions(getattr(value, f.name))
                              for f in dataclasses.fields(value) if f.init})
    return value


def _model_objects(value: object, seen: set[int] | None = None):
    """Every model object reachable from ``value`` (through tuples, dicts and fields)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, (tuple, list)):
        for item in value:
            yield from _model_objects(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _model_objects(item, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for f in dataclasses.fields(value):
            yield from _model_objects(getattr(value, f.name, None), seen)


def test_pickled_without_positions_the_model_is_the_same_but_where_it_was_written() -> None:
    project = compile_project(REPO / "examples").project
    journeys = dict(project.journeys)
    data = dumps_without_positions(journeys)
    clone = pickle.loads(data)
    assert clone == without_positions(journeys) and clone != journeys
    kinds = set()
    for item in _model_objects(clone):
        kinds.add(type(item))
        assert not isinstance(item, (Position, model.PositionTable))
        assert getattr(item, "pos", None) is None and getattr(item, "value_pos", None) is None, item
    assert {model.Journey, model.Stage, model.Step, model.PainPoint, model.Opportunity, model.MetricUse,
            model.MomentOfTruth} <= kinds
    for journey in clone.values():  # the lookups made from the fields are made again
        assert [journey.step(step.id) for step in journey.steps] == list(journey.steps)
    assert len(data) < 0.8 * len(pickle.dumps(journeys, protocol=pickle.HIGHEST_PROTOCOL))
    assert pickle.loads(pickle.dumps(journeys, protocol=pickle.HIGHEST_PROTOCOL)) == journeys  # still kept there


def test_every_model_class_with_a_position_can_be_pickled_without_it() -> None:
    """A class added to the model with a ``pos`` field is left out of nothing by accident."""
    with_positions = [cls for cls in _model_classes() if {f.name for f in dataclasses.fields(cls)} & POSITION_FIELDS]
    assert len(with_positions) >= 7
    for cls in with_positions:
        values = {f.name: f"<{f.name}>" for f in dataclasses.fields(cls) if f.init}
        try:
            item = cls(**values)
        except (TypeError, AttributeError, KeyError, ValueError):  # a class whose __post_init__ reads its fields
            continue
        clone = pickle.loads(dumps_without_positions(item))
        assert type(clone) is cls
        for name in values:
            assert getattr(clone, name) == (None if name in POSITION_FIELDS else values[name]), (cls, name)


def _model_classes() -> list[type]:
    return [value for value in vars(model).values()
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == model.__name__]


def test_every_model_class_uses_the_quick_constructor() -> None:
    classes = _model_classes()
    assert len(classes) >= 15
    for cls in classes + [Position]:
        assert cls.__init__.__code__.co_filename == "<string>" and "_set_" in " ".join(cls.__init__.__code__.co_names), cls


# -- restore: the compiled module's way of unpickling them -------------------------------------------------

def _restore():
    return compiled_or_skip(compiled_restore(), "cjmc's compiled module (restore)")


@fast_frozen
@dataclass(frozen=True, slots=True)
class Pair:
    left: object
    right: object


def test_restore_sets_the_slots_without_calling_init(monkeypatch) -> None:
    restore = _restore()
    monkeypatch.setattr(Pair, "__init__", lambda *args: pytest.fail("__init__ was called"))
    made = restore(Pair, ("a", [1]))
    assert type(made) is Pair and made.left == "a" and made.right == [1]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.left = "b"  # type: ignore[misc]


@pytest.mark.parametrize("args", [(Pair, ("a",)), (Pair, ["a", "b"]), (int, ()), (Position, ("f", 1, 2, 3)),
                                  ("Pair", ("a", "b")), (Pair,)])
def test_restore_refuses_what_it_cannot_make(args) -> None:
    restore = _restore()
    with pytest.raises(TypeError):
        restore(*args)


def test_with_the_compiled_module_the_model_unpickles_through_restore() -> None:
    """Classes whose fields all come from ``__init__`` pickle their slots for ``restore``; a class with a
    ``__post_init__`` (``Journey`` keeps derived lookups) still pickles its arguments for its constructor."""
    restore = _restore()
    project = compile_project(REPO / "examples").project
    journey = next(iter(project.journeys.values()))
    step = journey.steps[0]
    assert step.__reduce__()[0] is restore and step.pos.__reduce__()[0] is restore
    assert step.value_pos.__reduce__()[0] is restore
    assert journey.__reduce__()[0] is model.Journey
    clone = pickle.loads(pickle.dumps(journey, protocol=pickle.HIGHEST_PROTOCOL))
    assert clone == journey and clone.step(step.id) == step and clone.flow == journey.flow


def test_restore_keeps_no_objects() -> None:
    """Each object restore makes is freed with its owner, and a refused call keeps nothing."""
    restore = _restore()

    def make_many() -> None:
        for number in range(200):
            restore(Pair, (f"left {number}", (number, number + 1)))
            with pytest.raises(TypeError):
                restore(Pair, ("a",))

    kept = small_blocks_kept(make_many, warm_up=1, rounds=50)
    assert kept < 50, f"{kept} more small blocks after 10,000 restores"


def test_without_the_compiled_module_the_model_pickles_for_its_constructors() -> None:
    """``CJMC_PURE_PYTHON=1``: the pickles name no compiled function and give back an equal project."""
    import subprocess
    import sys

    script = (
        "import pickle, sys\n"
        "from cjmc.pipeline import compile_project\n"
        "project = compile_project(sys.argv[1]).project\n"
        "data = pickle.dumps(dict(project.journeys), protocol=pickle.HIGHEST_PROTOCOL)\n"
        "assert b'_fastyaml' not in data and b'restore' not in data\n"
        "assert pickle.loads(data) == dict(project.journeys)\n"
        "from cjmc.frozen import dumps_without_positions\n"
        "bare = pickle.loads(dumps_without_positions(dict(project.journeys)))\n"
        "assert all(j.pos is None and all(s.pos is None and s.value_pos is None for s in j.steps)\n"
        "           and j.steps == tuple(s for stage in j.stages for s in stage.steps) for j in bare.values())\n"
        "assert [j.title for j in bare.values()] == [j.title for j in project.journeys.values()]\n"
        "print(len(project.journeys))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(REPO / "examples")], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "CJMC_PURE_PYTHON": "1"})
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 0
