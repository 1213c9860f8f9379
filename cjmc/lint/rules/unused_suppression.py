"""unused-suppression: a ``lint_ignore`` entry or ``# cjmc:`` comment that suppresses nothing.

What it finds
-------------
A suppression (``lint_ignore: {RULE: reason}`` on a journey, stage or step;
``# cjmc: disable-line RULE``; ``# cjmc: disable-file RULE``) for which the
rule reported nothing there, or that names a rule that does not exist.
Reported at the ``lint_ignore`` mapping or at the comment. The engine
produces these findings after all other rules have run.

Why it matters
--------------
A suppression outlives the problem it hid. Left in place, it silently hides
the next real problem of the same kind at that spot.

Failing example
---------------
```yaml
stages:
  - id: checkout
    name: Checkout
    lint_ignore:
      stage-without-pain-points: Not researched yet
    steps:
      - id: pays
        name: Pays
        pain_points: [{id: slow, text: Payment page is slow}]
```

Passing example
---------------
```yaml
stages:
  - id: checkout
    name: Checkout
    steps:
      - id: pays
        name: Pays
        pain_points: [{id: slow, text: Payment page is slow}]
```

Options
-------
None.
"""

NAME = "unused-suppression"
SEVERITY = "info"
SUMMARY = "A suppression that suppresses nothing."
OPTIONS: dict = {}
check = None
