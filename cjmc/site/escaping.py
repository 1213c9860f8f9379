"""Autoescaping that costs less per ``{{ … }}``, with exactly MarkupSafe's output.

A journey page of a large portfolio prints ~6,000 values, and the site of
1,000 journeys ~20 million. Jinja escapes each with ``markupsafe.escape``,
which since MarkupSafe 3 is a Python function that makes a new ``Markup``
through ``Markup.__new__`` (another Python call) even when there is nothing
to escape, and escapes a macro's output (already ``Markup``) again. Here:

* a plain string without ``& < > ' "`` becomes ``Markup`` as it is;
* ``Markup`` is returned as it is;
* an ``int`` or ``float`` (whose text never holds those characters) and
  Jinja's plain ``Undefined`` (what ``{{ 'x' if test }}`` gives when the
  test is false: it prints nothing) become ``Markup`` directly; they were
  ~550 of a journey page's values, each a detour through ``__html__``;
* anything else goes to ``markupsafe.escape``.

The result is the same text in every case; ``tests/site/test_escaping.py``
checks that against MarkupSafe, for this function and for its C twin
(``_fastescape.c``, built at install time like the C loader), which is used
when it is there: the Python function is a frame and ~0.3-0.5 µs a call,
~2 CPU-s of a cold build of 1,000 journeys, the C one about a third of it.

:class:`EscapingTemplate` puts this ``escape`` in each compiled template's
namespace, where Jinja's generated code looks it up, so no other user of
Jinja in the process is affected.
"""

from __future__ import annotations

from typing import Any, Callable

import jinja2
from markupsafe import Markup
from markupsafe import escape as markupsafe_escape

from ..compiled import compiled_module

_as_markup = str.__new__  # Markup(text) without Markup.__new__'s checks: text is a str already
_Undefined = jinja2.Undefined  # exactly this class: its subclasses (StrictUndefined) may refuse to print
_EMPTY = Markup("")


def python_escape(value: Any) -> Markup:
    """``markupsafe.escape(value)``, sooner for the common cases."""
    kind = type(value)
    if kind is str:
        if "&" in value or "<" in value or ">" in value or "'" in value or '"' in value:
            return markupsafe_escape(value)
        return _as_markup(Markup, value)
    if kind is Markup:
        return value
    if kind is int or kind is float:
        return _as_markup(Markup, str(value))
    if kind is _Undefined:
        return _EMPTY
    return markupsafe_escape(value)


def compiled_escape() -> Callable[[Any], Markup] | None:
    """The C ``escape`` (``_fastescape.c``), set up with the classes above; None when not built or turned off
    (``CJMC_PURE_PYTHON=1``)."""
    module = compiled_module(f"{__package__}._fastescape")
    if module is None:
        return None
    module.configure(Markup, _Undefined, markupsafe_escape)
    return module.escape


escape = compiled_escape() or python_escape


class EscapingTemplate(jinja2.Template):
    """A template whose generated code escapes with :func:`escape`."""

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: Any, globals: Any, uptodate: Any = None) -> Any:
        template = super().from_code(environment, code, globals, uptodate)
        namespace = template.root_render_func.__globals__  # the module the template's code ran in
        if namespace.get("escape") is markupsafe_escape:
            namespace["escape"] = escape
        return template
