"""unused-definition: a persona or catalog entry that nothing refers to.

What it finds
-------------
A persona, channel, touchpoint, team, metric or evidence item whose id no
reference anywhere in the project names. Every reference counts, even one
written by another unused item: a channel used only by an unused touchpoint
is not reported, the touchpoint is. A step's touchpoint uses that
touchpoint's channel. Reported on the definition. Not checked while the
project has errors, because invalid documents are left out of the model.

Why it matters
--------------
Unused definitions are usually leftovers of a renamed id or a deleted
journey. They clutter the catalog and the site, and they suggest research
(evidence) or teams that no map actually relies on.

Failing example
---------------
```yaml
kind: catalog
channels:
  - {id: web, name: Website}
  - {id: fax, name: Fax}      # no step, touchpoint or persona uses it
```

Passing example
---------------
```yaml
kind: catalog
channels:
  - {id: web, name: Website}  # used by a step's `channel: web`
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..finding import Finding

NAME = "unused-definition"
SEVERITY = "warning"
SUMMARY = ("A persona, channel, touchpoint, team, metric or evidence item is referenced nowhere "
           "(a reference from another unused item still counts).")
OPTIONS: dict = {}
SCOPE = "project"  # reads the catalog (and every reference), not one journey

HINTS = {
    "persona": "list it in a journey's `personas`, or remove it",
    "channel": "use it as the `channel` of a step, touchpoint or persona, or remove it",
    "touchpoint": "use it as a step's `touchpoint`, or remove it",
    "team": "make it the `owner` of a journey, touchpoint or opportunity, or remove it",
    "metric": "track it in `kpis` or a step's `metrics`, or remove it",
    "evidence": "cite it in the `evidence` of a step or pain point, or remove it",
}


def check(project: Project, options: dict) -> Iterator[Finding]:
    used = {(reference.kind, reference.target) for reference in project.references}
    tables = (("persona", project.personas), ("channel", project.channels), ("team", project.teams),
              ("touchpoint", project.touchpoints), ("metric", project.metrics), ("evidence", project.evidence))
    for kind, table in tables:
        for ident, item in table.items():
            if (kind, ident) not in used:
                yield Finding(item.pos, f"{kind} `{ident}` is defined but referenced nowhere",
                              hint=HINTS[kind], subject=(f"{kind}:{ident}",))
