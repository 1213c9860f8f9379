"""Diagrams: journey flow and portfolio graphs (DOT, laid out by Graphviz) and
emotion curves (pure-Python SVG).

The public surface for the site and the CLI is :mod:`cjmc.render.api`; the
look (colours, symbols, type) is :mod:`cjmc.render.palette`.
"""
