"""Making Graphviz's SVG fit to inline in HTML, the same on every run.

* drop the XML prolog, DOCTYPE and comments (they carry the engine version
  and are invalid inside HTML);
* give every node and cluster a ``<title>`` readers understand: Graphviz
  titles them with the DOT name (``step__sees-ad``), so the first line of the
  element's tooltip (the step's name, by construction) replaces it;
* use the palette's font stack (layout ran with Helvetica metrics).
"""

from __future__ import annotations

import re

from .palette import FONT_FAMILY

_PROLOG = re.compile(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*|<!--.*?-->\s*", re.S)
_GROUP = re.compile(r'(<g id="[^"]*" class="(?:graph|node|cluster)">\s*<title>)([^<]*)(</title>\s*<g id="[^"]*"><a [^>]*?xlink:title="([^"]*)")', re.S)
_FONT = re.compile(r'font-family="(?:Helvetica,sans-Serif|Helvetica)"')


def clean_svg(svg: str) -> str:
    svg = _PROLOG.sub("", svg)
    svg = _GROUP.sub(lambda m: m.group(1) + m.group(4).split("&#10;")[0] + m.group(3), svg)
    svg = _FONT.sub(f'font-family="{FONT_FAMILY}"', svg)
    return svg.strip() + "\n"
