"""The one look of every cjmc diagram, shared with the HTML site.

``PALETTE`` is a plain dict of strings (JSON-serialisable) so the site can
emit it as CSS custom properties and stay in step with the diagrams.

Emotion uses ColorBrewer's 5-class RdYlBu, a diverging scale that is
colour-blind safe (red-orange vs blue never collapses for deuteranopes or
protanopes); every emotion is also written as a symbol and a signed number so
the diagrams read in greyscale and in print. ``emotion_strong`` is for small
marks (badges, curve markers), ``emotion_tint`` for large fills under text.
"""

from __future__ import annotations

FONT_FAMILY = "Helvetica,Arial,sans-serif"
# Graphviz has built-in metrics for "Helvetica"; the SVG is rewritten to the
# full stack afterwards (see svgclean.py), so layout widths stay right.
DOT_FONT = "Helvetica"

EMOTIONS = (-2, -1, 0, 1, 2)

EMOTION_STRONG = {-2: "#d7191c", -1: "#fdae61", 0: "#ffffbf", 1: "#abd9e9", 2: "#2c7bb6"}
EMOTION_TINT = {-2: "#f6c3c0", -1: "#fee3c4", 0: "#fffbe3", 1: "#e0f1f7", 2: "#c4dcee"}
# Text drawn on top of EMOTION_STRONG (contrast >= 4.5:1).
EMOTION_INK = {-2: "#ffffff", -1: "#1a1a1a", 0: "#1a1a1a", 1: "#1a1a1a", 2: "#ffffff"}
# BMP glyphs present in common fonts (DejaVu, Arial Unicode), unlike emoji faces.
EMOTION_SYMBOL = {-2: "☹☹", -1: "☹", 0: "•", 1: "☺", 2: "☺☺"}
EMOTION_NUMBER = {-2: "−2", -1: "−1", 0: "0", 1: "+1", 2: "+2"}
EMOTION_LABEL = {-2: "very negative", -1: "negative", 0: "neutral", 1: "positive", 2: "very positive"}

SEVERITIES = ("low", "medium", "high", "critical")
SEVERITY_COLOR = {"low": "#fdd49e", "medium": "#fc8d59", "high": "#d7301f", "critical": "#7f0000"}
SEVERITY_INK = {"low": "#1a1a1a", "medium": "#1a1a1a", "high": "#ffffff", "critical": "#ffffff"}

INK = "#1a1a1a"           # text, default-flow edges
MUTED = "#595959"         # secondary text (touchpoints, captions)
GRID = "#d9d9d9"          # gridlines, cluster borders
BAND = ("#f5f5f5", "#ebebeb")  # alternating stage backgrounds
PAPER = "#ffffff"
UNREACHABLE = "#9e9e9e"
UNREACHABLE_FILL = "#eeeeee"
ACCENT = "#5e3c99"        # moments of truth, explicit flow (purple: off the emotion scale)
DROPPED = "#b2182b"
COMPLETED = "#2166ac"
UNDECLARED = "#e66101"    # observed paths the map does not declare (orange: off the other scales)
FUTURE = "#1b7837"        # future-state journeys in the portfolio

PALETTE: dict[str, object] = {
    "font_family": FONT_FAMILY,
    "emotion": {str(k): v for k, v in EMOTION_STRONG.items()},
    "emotion_tint": {str(k): v for k, v in EMOTION_TINT.items()},
    "emotion_ink": {str(k): v for k, v in EMOTION_INK.items()},
    "emotion_symbol": {str(k): v for k, v in EMOTION_SYMBOL.items()},
    "emotion_number": {str(k): v for k, v in EMOTION_NUMBER.items()},
    "emotion_label": {str(k): v for k, v in EMOTION_LABEL.items()},
    "severity": dict(SEVERITY_COLOR),
    "severity_ink": dict(SEVERITY_INK),
    "ink": INK,
    "muted": MUTED,
    "grid": GRID,
    "band": list(BAND),
    "paper": PAPER,
    "unreachable": UNREACHABLE,
    "unreachable_fill": UNREACHABLE_FILL,
    "accent": ACCENT,
    "dropped": DROPPED,
    "undeclared": UNDECLARED,
    "completed": COMPLETED,
    "future": FUTURE,
}


def worst_severity(severities) -> str | None:
    """The most severe of ``severities`` (low < medium < high < critical), or None."""
    ranked = [SEVERITIES.index(s) for s in severities if s in SEVERITIES]
    return SEVERITIES[max(ranked)] if ranked else None
