"""Jinja code for the site's templates that reads attributes without a Python call each.

Jinja compiles ``{{ step.name }}`` to ``environment.getattr(step, "name")``:
a Python method that tries ``getattr`` and then ``step["name"]``. A journey
page of a large portfolio reads ~6,000 attributes, nearly all of them on the
site's view objects, where the built-in ``getattr`` finds them. For a
variable (the common case) :class:`AttributeCodeGenerator` writes::

    (_a if (_a := getattr(step, "name", missing)) is not missing
     else environment.getattr(step, "name"))

so only a value the built-in cannot find (a dictionary key, an undefined
value) goes through Jinja's lookup, which then gives exactly what it gave
before. A variable can be read twice because reading it does nothing else.
Any other expression (``f.diagnostic.severity``, ``rows[0].name``, ``f().x``)
is evaluated once, into ``_b``::

    (_a if (_a := getattr((_b := <expression>), "name", missing)) is not missing
     else environment.getattr(_b, "name"))

Nothing runs between assigning ``_b`` and reading it back, so one name
serves every level of ``a.b.c``. The site reads ~2.6 million attributes
this way in a cold build of 1,000 journeys (257,791 at 100, every one found
by the built-in), each a call of ``Environment.getattr`` before.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst

_jinja_getattr = CodeGenerator.visit_Getattr.__wrapped__  # Jinja's own, without its constant folding


class AttributeCodeGenerator(CodeGenerator):
    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> Any:
        if self.environment.is_async:
            return _jinja_getattr(self, node, frame)
        self.write("(_a if (_a := getattr(")
        if isinstance(node.node, nodes.Name):
            self.visit(node.node, frame)
            self.write(f", {node.attr!r}, missing)) is not missing else environment.getattr(")
            self.visit(node.node, frame)
        else:
            self.write("(_b := ")
            self.visit(node.node, frame)
            self.write(f"), {node.attr!r}, missing)) is not missing else environment.getattr(_b")
        self.write(f", {node.attr!r}))")
        return None
