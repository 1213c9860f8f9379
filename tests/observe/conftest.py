"""A small project and event logs with answers worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

MAPS = """\
kind: persona
id: p
name: P
---
kind: journey
id: buy
title: Buy
personas: [p]
stages:
  - id: browse
    name: Browse
    steps:
      - {id: view, name: View, events: [product_viewed], next: [cart, help]}
      - {id: help, name: Help, events: [help_opened], next: [cart]}
      - {id: cart, name: Cart, events: [cart_added, cart_viewed]}
  - id: pay
    name: Pay
    steps:
      - {id: checkout, name: Checkout, next: [paid, abandon]}
      - {id: abandon, name: Abandon, exit: dropped}
      - {id: paid, name: Paid}
---
kind: journey
id: other
title: Other
personas: [p]
stages:
  - id: only
    name: Only
    steps:
      - {id: start, name: Start}
      - {id: end, name: End}
"""

# Worked out by hand (see test_engine.py for the expected numbers):
# c1 view -> cart (60 s) -> checkout (120 s) -> paid (120 s): completed
# c2 view -> cart (120 s) -> checkout (60 s) -> cart (60 s, undeclared): last seen at cart
# c3 view, then an event no step uses: last seen at view
# c4 enters at cart: last seen at cart
# c5 view -> cart (600 s) -> checkout (60 s) -> abandon (60 s)
# a row without a case id is skipped.
EVENTS = """\
case_id,timestamp,event
c1,2026-10-01T10:00:00,product_viewed
c1,2026-10-01T10:01:00,cart_added
c1,2026-10-01T10:01:30,cart_viewed
c1,2026-10-01T10:03:00,buy.checkout
c1,2026-10-01T10:05:00,buy.paid
c2,2026-10-01T11:00:00,product_viewed
c2,2026-10-01T11:02:00,cart_added
c2,2026-10-01T11:03:00,buy.checkout
c2,2026-10-01T11:04:00,cart_viewed
c3,2026-10-01T12:00:00,product_viewed
c3,2026-10-01T12:00:10,page_view
c4,2026-10-01T09:00:00,cart_added
c5,2026-10-01T13:12:00Z,buy.abandon
c5,2026-10-01T13:00:00,product_viewed
c5,2026-10-01T13:10:00,cart_added
c5,2026-10-01T13:11:00,buy.checkout
,2026-10-01T13:11:00,buy.checkout
"""

CONFIG = """\
name: t
events:
  sources: ["data/*.csv"]
"""


def make_project(root: Path, events: str | None = EVENTS, config: str = CONFIG, name: str = "events.csv") -> Path:
    (root / "maps").mkdir(parents=True, exist_ok=True)
    (root / "maps" / "all.yaml").write_text(MAPS, encoding="utf-8")
    (root / "cjmc.yaml").write_text(config, encoding="utf-8")
    (root / "data").mkdir(exist_ok=True)
    if events is not None:
        (root / "data" / name).write_text(events, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")
