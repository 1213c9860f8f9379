"""touchpoint-without-owner: a touchpoint no team is responsible for.

What it finds
-------------
A catalog touchpoint without ``owner``. Reported on the touchpoint. Being a
catalog entry it belongs to no journey, so ``lint_ignore`` cannot suppress
it; use a ``# cjmc: disable-line touchpoint-without-owner`` comment.

Why it matters
--------------
Pain points and opportunities found at a touchpoint need a team to act on
them. Without an owner, findings at that touchpoint have nowhere to go.

Failing example
---------------
```yaml
kind: catalog
touchpoints:
  - id: checkout-page
    name: Checkout page
    channel: web
```

Passing example
---------------
```yaml
kind: catalog
touchpoints:
  - id: checkout-page
    name: Checkout page
    channel: web
    owner: ecommerce
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..finding import Finding

NAME = "touchpoint-without-owner"
SEVERITY = "warning"
STRICT = "error"
SUMMARY = "A touchpoint has no `owner`."
OPTIONS: dict = {}
SCOPE = "project"  # reads the catalog (and every reference), not one journey


def check(project: Project, options: dict) -> Iterator[Finding]:
    for touchpoint in project.touchpoints.values():
        if touchpoint.owner is None:
            yield Finding(touchpoint.pos, f"touchpoint `{touchpoint.id}` has no owner",
                          hint="add `owner:` with the id of the team responsible for it",
                          subject=(f"touchpoint:{touchpoint.id}",))
