"""The edits the diff and baseline tests make to the example project, in two rounds."""

from __future__ import annotations

from pathlib import Path

from .conftest import edit

JOURNEY = "maps/journeys/buy-first-bike.yaml"


def committed_edits(project: Path) -> None:
    """Rename a step and lower an emotion."""
    journey = project / JOURNEY
    edit(journey, "name: Pays by card or Apple Pay", "name: Pays by card, Apple Pay or Google Pay")
    edit(journey, """        touchpoint: dispatch-notifications
        emotion: -1""", """        touchpoint: dispatch-notifications
        emotion: -2""")


def working_tree_edits(project: Path) -> None:
    """Add a pain point, resolve another, and shift every line of the file down."""
    journey = project / JOURNEY
    edit(journey, """      - id: pays-by-card
        name: Pays by card, Apple Pay or Google Pay
        touchpoint: checkout-page
        emotion: 1
        evidence: [funnel-analytics-2026-04]
""", """      - id: pays-by-card
        name: Pays by card, Apple Pay or Google Pay
        touchpoint: checkout-page
        emotion: 1
        evidence: [funnel-analytics-2026-04]
        pain_points:
          - id: card-declined
            text: "Cards are declined by 3-D Secure | no reason <given>"
            severity: low
            evidence: [funnel-analytics-2026-04]
""")
    edit(journey, """        pain_points:
          - id: finance-redirect
            text: The redirect to the lender looks like a different company and the credit check is slow
            severity: medium
            evidence: [trustpilot-reviews-2026-h1]
        opportunities:
          - id: embedded-finance
            text: Embedded finance form inside checkout with an instant soft-search decision
            addresses: [finance-redirect]
            owner: ecommerce
            status: idea
""", "")
    text = journey.read_text(encoding="utf-8")
    journey.write_text("# Reviewed with the checkout squad.\n#\n#\n" + text, encoding="utf-8")
