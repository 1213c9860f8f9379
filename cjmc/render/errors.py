"""The one error type of the renderers: the CLI turns it into exit 2, no traceback."""


class RenderError(Exception):
    """A diagram could not be rendered: no engine, engine failed or timed out."""
