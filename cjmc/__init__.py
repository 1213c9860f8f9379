"""cjmc: a compiler for customer journey maps (load → validate → link → lint → render)."""

__version__ = "0.1.0"
