"""A Jinja context that calls the site's macros without Jinja's general call machinery.

A page calls a small macro (``link``, ``emotion``, ``severity``) for each
row: a catalog page of a 1,000-journey portfolio makes ~5,000 such calls
and a journey page ~360. Jinja routes each through ``Context.call`` (which
looks for ``jinja_pass_arg`` markers twice), then ``Macro.__call__`` (which
matches positional, keyword, ``caller``, ``varargs`` and ``kwargs``
arguments) and ``Macro._invoke``: a few microseconds a call. For the common
call, the macro's own positional arguments only, :class:`QuickCallContext`
calls the macro's function directly and marks its output safe as
``_invoke`` does. The ``{% fragment %}`` tag's method (~80,000 calls on the
catalog pages of a 1,000-journey portfolio) is called directly too, with
its key and ``caller``: it takes no context. Every other call goes through
Jinja unchanged, so the text is the same.
"""

from __future__ import annotations

from types import MethodType
from typing import Any

from jinja2.runtime import Context, Macro
from markupsafe import Markup

from .fragments import FragmentExtension

_as_markup = str.__new__  # Markup(text) for a text that is a str already
_CONTEXT_KEYWORDS = frozenset(("_loop_vars", "_block_vars"))  # Jinja's code passes these for the context, not the macro


class QuickCallContext(Context):
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's own signature)
        if (type(__obj) is Macro and len(args) == __obj._argument_count and not __obj.caller
                and not __obj.catch_kwargs and not __obj.catch_varargs and not __obj._environment.is_async
                and (not kwargs or kwargs.keys() <= _CONTEXT_KEYWORDS)):
            try:
                text = __obj._func(*args)
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable raised a"
                                                    " StopIteration exception")
            if not __self.eval_ctx.autoescape:
                return text
            return _as_markup(Markup, text) if type(text) is str else Markup(text)
        if type(__obj) is MethodType and __obj.__func__ is _RENDER_FRAGMENT and len(args) == 1 and "caller" in kwargs:
            try:
                return __obj(args[0], caller=kwargs["caller"])
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable raised a"
                                                    " StopIteration exception")
        return super().call(__obj, *args, **kwargs)


_RENDER_FRAGMENT = FragmentExtension._render
