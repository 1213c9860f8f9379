"""One lint rule per module; see :mod:`cjmc.lint.registry`."""
