#!/usr/bin/env python3
"""Seeded, deterministic benchmark corpus generator for cjmc.

Writes a complete cjmc project (see /work/shared/FORMAT.md, the map language):

    OUT_DIR/cjmc.yaml
    OUT_DIR/maps/catalog.yaml        channels, teams, touchpoints, metrics, evidence
    OUT_DIR/maps/personas.yaml       max(5, N // 20) personas, one ``---`` document each
    OUT_DIR/maps/journeys/j00001.yaml ... one journey per file

Usage::

    python bench/generate.py N OUT_DIR [--seed 1] [--stages 6] [--steps 5] [--events]

or from Python::

    from bench.generate import generate
    generate(1000, "/tmp/corpus", seed=1)

The same N, seed and options always give byte-identical output. Every id
matches the id pattern, every reference resolves and every step is reachable
from the start under the flow rules (default successor = following step in
document order across stages; an explicit ``next`` replaces it; ``exit`` ends).
YAML text is written directly (no serializer) so N=1000 (~18 MB) takes a few
seconds. Only the standard library is needed to generate; pyyaml is only
needed to read the result.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

# --------------------------------------------------------------------------
# Word lists (all ASCII; ordering matters for determinism, never use sets)
# --------------------------------------------------------------------------

CHANNELS = [
    ("web", "Website", "The public website and web shop"),
    ("mobile-app", "Mobile app", "iOS and Android apps"),
    ("email", "Email", "Transactional and marketing email"),
    ("phone", "Phone", "Call centre and IVR"),
    ("store", "Retail store", "Physical stores and pop-ups"),
    ("social", "Social media", "Instagram, TikTok and community forums"),
    ("chat", "Live chat", "Chat widget and messaging apps"),
    ("partner", "Partner network", "Dealers, resellers and service partners"),
]

TEAMS = [
    ("ecommerce", "E-commerce team"),
    ("marketing", "Marketing"),
    ("customer-support", "Customer support"),
    ("logistics", "Logistics and fulfilment"),
    ("finance", "Finance and billing"),
    ("product", "Product management"),
    ("ux-research", "UX research"),
    ("store-ops", "Store operations"),
    ("partnerships", "Partnerships"),
    ("data-platform", "Data platform"),
]

TOUCHPOINT_NOUNS = [
    "landing-page", "product-page", "checkout", "account-area", "help-centre",
    "order-tracking", "search", "comparison-tool", "booking-form", "newsletter",
    "receipt", "survey", "hotline", "callback", "counter", "fitting-area",
    "workshop", "campaign", "community", "review-widget", "assistant", "bot",
    "portal", "showroom", "invoice", "reminder", "onboarding-tour", "faq",
]

METRICS = [
    ("conversion-rate", "Conversion rate", "%", "higher"),
    ("checkout-abandonment", "Checkout abandonment", "%", "lower"),
    ("nps", "Net promoter score", "points", "higher"),
    ("csat", "Customer satisfaction", "score", "higher"),
    ("ces", "Customer effort score", "score", "lower"),
    ("first-contact-resolution", "First contact resolution", "%", "higher"),
    ("average-handle-time", "Average handle time", "min", "lower"),
    ("time-to-value", "Time to value", "days", "lower"),
    ("click-through-rate", "Click-through rate", "%", "higher"),
    ("bounce-rate", "Bounce rate", "%", "lower"),
    ("repeat-purchase-rate", "Repeat purchase rate", "%", "higher"),
    ("churn-rate", "Churn rate", "%", "lower"),
    ("order-value", "Average order value", "EUR", "higher"),
    ("delivery-time", "Delivery time", "days", "lower"),
    ("return-rate", "Return rate", "%", "lower"),
    ("app-rating", "App store rating", "stars", "higher"),
    ("contact-rate", "Contacts per order", "contacts", "lower"),
    ("task-success", "Task success rate", "%", "higher"),
    ("activation-rate", "Activation rate", "%", "higher"),
    ("wait-time", "Queue wait time", "min", "lower"),
]

EVIDENCE_TYPES = ["survey", "interview", "analytics", "review", "social",
                  "observation", "support", "other"]

PERSONA_ARCHETYPES = [
    ("commuter", "Casey the Commuter", "Urban professionals"),
    ("student", "Sam the Student", "Students on a budget"),
    ("parent", "Pat the Parent", "Families with young children"),
    ("retiree", "Robin the Retiree", "Active retirees"),
    ("enthusiast", "Eli the Enthusiast", "Hobbyists and experts"),
    ("fleet-manager", "Frankie the Fleet Manager", "Small business buyers"),
    ("newcomer", "Noa the Newcomer", "First-time customers"),
    ("bargain-hunter", "Bailey the Bargain Hunter", "Price-sensitive shoppers"),
    ("traveller", "Toni the Traveller", "Frequent travellers"),
    ("caregiver", "Charlie the Caregiver", "People buying for others"),
]

FIRST_NAMES = ["Alex", "Jamie", "Jordan", "Morgan", "Riley", "Taylor", "Quinn",
               "Avery", "Drew", "Kai", "Lee", "Rowan", "Sasha", "Emery", "Finley",
               "Harper", "Skyler", "Remy", "Dana", "Jules"]

STAGE_NAMES = ["Awareness", "Research", "Consideration", "Purchase", "Delivery",
               "Onboarding", "Usage", "Support", "Renewal", "Advocacy",
               "Maintenance", "Upgrade"]

VERBS = ["Searches", "Compares", "Reads", "Opens", "Checks", "Books", "Orders",
         "Pays", "Confirms", "Contacts", "Tracks", "Returns", "Rates", "Shares",
         "Configures", "Registers", "Downloads", "Chooses", "Asks about",
         "Reviews", "Cancels", "Renews", "Upgrades", "Visits", "Calls",
         "Updates", "Receives", "Unpacks", "Tries", "Recommends"]
# Base forms, same order as VERBS ("tries to compare ...").
VERB_BASES = ["search", "compare", "read", "open", "check", "book", "order",
              "pay", "confirm", "contact", "track", "return", "rate", "share",
              "configure", "register", "download", "choose", "ask about",
              "review", "cancel", "renew", "upgrade", "visit", "call",
              "update", "receive", "unpack", "try", "recommend"]

OBJECTS = ["delivery options", "the price list", "product reviews", "the warranty",
           "payment methods", "the size guide", "store opening hours",
           "the order status", "the return policy", "service plans",
           "financing offers", "accessories", "the user manual", "the invoice",
           "a service appointment", "the loyalty programme", "stock availability",
           "the contract terms", "the account settings", "a discount code",
           "the installation guide", "a replacement part", "the trade-in offer",
           "the subscription plan", "the support ticket"]

ADJECTIVES = ["slow", "confusing", "hidden", "unclear", "expensive", "broken",
              "outdated", "inconsistent", "missing", "late", "generic", "tedious",
              "fragmented", "unexpected", "repetitive", "long", "vague", "noisy"]

NOUNS = ["fees", "form", "wait", "instructions", "pricing", "navigation",
         "confirmation", "handover", "status updates", "labels", "login",
         "search results", "availability", "opening hours", "estimate",
         "follow-up", "terms", "receipt", "wording", "options"]

FILLER = ["quickly", "again", "on the train", "late in the evening", "with a friend",
          "before payday", "on a small screen", "between meetings",
          "after a recommendation", "while travelling", "for the second time",
          "during a sale", "at the weekend", "with little patience left"]

THOUGHTS = ["Is this really for people like me?", "I hope this does not take long.",
            "Why do I have to enter this twice?", "This looks easier than I expected.",
            "I am not sure I can trust this.", "Finally, something that just works.",
            "I wish someone would explain this.", "That price feels too high.",
            "I will come back to this later.", "Great, that was quick.",
            "Where did my data go?", "I should ask a friend first."]

QUESTIONS = ["How much does it cost in total?", "When will it arrive?",
             "Can I return it if it does not fit?", "Who do I call if it breaks?",
             "Is there a cheaper option?", "Do I need an account for this?",
             "What happens to my old one?", "Is my payment secure?",
             "How long does the warranty last?", "Can I change my order later?",
             "Is it in stock nearby?", "What do other customers say?"]

BACKSTAGE = ["Logistics updates carrier rates nightly",
             "Support triages tickets every morning",
             "Ad ops refreshes creative weekly",
             "Finance reconciles payments at the end of the day",
             "The warehouse picks orders in two waves",
             "Store staff check stock manually",
             "Data platform syncs the CRM every hour",
             "Product team reviews feedback fortnightly",
             "Partners receive a daily order export",
             "Fraud checks run on every payment",
             "Content team publishes help articles on Tuesdays",
             "Quality assurance samples ten calls a day"]

MOT_WHY = ["First impression decides whether they continue",
           "Trust is won or lost when money changes hands",
           "A bad experience here leads straight to churn",
           "This is where customers decide to recommend us",
           "Customers compare us with competitors at this point",
           "Most complaints start with this interaction",
           "The promise made in marketing is tested here"]

OPP_PREFIXES = ["Redesign", "Simplify", "Automate", "Personalise", "Clarify",
                "Speed up", "Proactively communicate", "Remove", "Bundle", "Explain"]

TAGS = ["b2c", "b2b", "online", "offline", "omnichannel", "mobile", "loyalty",
        "service", "sales", "retention", "onboarding", "pilot", "priority",
        "research", "compliance"]

SEVERITIES = ["low", "medium", "high", "critical"]
SEVERITY_WEIGHTS = [3, 5, 3, 1]
STATUSES = ["idea", "planned", "in-progress", "done"]
STATUS_WEIGHTS = [5, 3, 2, 1]
EMOTIONS = [-2, -1, 0, 1, 2]
EMOTION_WEIGHTS = [1, 2, 3, 3, 1]

_YAML_WORDS = ("y", "yes", "n", "no", "true", "false", "on", "off", "null", "~")
_PLAIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;'()/%*-]*[A-Za-z0-9.)?!%]")


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

def slug(text: str, limit: int = 40) -> str:
    """Lower-case kebab slug, trimmed to ``limit`` characters."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].strip("-") or "x"


def unique_id(base: str, seen: dict) -> str:
    """Return ``base`` or ``base-2``, ``base-3``... whichever is unused in ``seen``."""
    base = base[:56]
    candidate = base
    n = 1
    while candidate in seen:
        n += 1
        candidate = f"{base}-{n}"
    seen[candidate] = True
    return candidate


def q(text: str, flow: bool = False) -> str:
    """A YAML scalar for ``text``: plain when unambiguous, double-quoted otherwise.

    ``flow=True`` for values inside ``{...}`` / ``[...]``, where a comma ends
    a plain scalar.
    """
    if (_PLAIN_RE.fullmatch(text) and ": " not in text and " #" not in text
            and text.lower() not in _YAML_WORDS and not (flow and "," in text)):
        return text
    return json.dumps(text)


def flow_ids(ids: list[str]) -> str:
    """A flow sequence of ids (ids need no quoting)."""
    return "[" + ", ".join(ids) + "]"


def num(x: float) -> str:
    """Deterministic number text; integers without a decimal point."""
    if float(x).is_integer():
        return str(int(x))
    return repr(round(x, 2))


def block(lines: list[str], indent: str, text: str) -> None:
    """Append a literal block scalar body (``|`` already written by the caller)."""
    for line in text.split("\n"):
        lines.append(indent + line if line else "")


def step_event_names(journey_id: str, step_id: str) -> list[str]:
    """Analytics event names emitted for a step (``events:`` extension key)."""
    return [f"{journey_id}_{step_id}_viewed"]


# --------------------------------------------------------------------------
# The shared catalog
# --------------------------------------------------------------------------

@dataclass
class Catalog:
    channels: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    touchpoints: list[tuple[str, str]] = field(default_factory=list)  # (id, channel)
    metrics: list[tuple[str, str]] = field(default_factory=list)      # (id, better)
    evidence: list[str] = field(default_factory=list)
    personas: list[str] = field(default_factory=list)


def build_catalog(rng: random.Random, n_personas: int) -> tuple[Catalog, str, str]:
    """Return the catalog model plus the text of catalog.yaml and personas.yaml."""
    cat = Catalog()
    out = ["# Generated by bench/generate.py -- do not edit by hand.", "kind: catalog",
           "channels:"]
    for cid, name, desc in CHANNELS:
        cat.channels.append(cid)
        out.append(f"  - {{id: {cid}, name: {q(name, True)}, description: {q(desc, True)}}}")
    out.append("teams:")
    for tid, name in TEAMS:
        cat.teams.append(tid)
        out.append(f"  - {{id: {tid}, name: {q(name, True)}}}")

    out.append("touchpoints:")
    seen: dict = {}
    for i in range(60):
        channel = CHANNELS[i % len(CHANNELS)][0]
        noun = TOUCHPOINT_NOUNS[(i * 7 + i // len(CHANNELS)) % len(TOUCHPOINT_NOUNS)]
        tid = unique_id(f"{channel}-{noun}", seen)
        owner = TEAMS[rng.randrange(len(TEAMS))][0]
        cat.touchpoints.append((tid, channel))
        name = f"{CHANNELS[i % len(CHANNELS)][1]} {noun.replace('-', ' ')}"
        out.append(f"  - id: {tid}")
        out.append(f"    name: {q(name)}")
        out.append(f"    channel: {channel}")
        if rng.random() < 0.95:           # a few touchpoints without owner
            out.append(f"    owner: {owner}")
        if channel in ("web", "mobile-app"):
            out.append(f"    url: https://example.com/{slug(noun)}")
        out.append(f"    description: {q(f'Where customers {rng.choice(VERB_BASES)} {rng.choice(OBJECTS)}.')}")

    out.append("metrics:")
    for mid, name, unit, better in METRICS:
        cat.metrics.append((mid, better))
        out.append(f"  - {{id: {mid}, name: {q(name, True)}, unit: {json.dumps(unit)}, better: {better}}}")

    out.append("evidence:")
    seen = {}
    for i in range(40):
        etype = EVIDENCE_TYPES[i % len(EVIDENCE_TYPES)]
        year = 2025 + (i % 3 != 0)
        month = 1 + rng.randrange(12)
        day = 1 + rng.randrange(28)
        eid = unique_id(f"{etype}-{year}-{month:02d}", seen)
        cat.evidence.append(eid)
        out.append(f"  - id: {eid}")
        out.append(f"    title: {q(f'{etype.capitalize()} on {rng.choice(OBJECTS)}, {year}')}")
        out.append(f"    type: {etype}")
        out.append(f"    date: {year}-{month:02d}-{day:02d}")
        out.append(f"    sample_size: {rng.randrange(8, 2500)}")
        if rng.random() < 0.5:
            out.append(f"    url: https://research.example.com/{eid}")
    catalog_text = "\n".join(out) + "\n"

    docs = ["# Generated by bench/generate.py -- do not edit by hand."]
    seen = {}
    for i in range(n_personas):
        base, pname, segment = PERSONA_ARCHETYPES[i % len(PERSONA_ARCHETYPES)]
        rnd = i // len(PERSONA_ARCHETYPES)
        pid = unique_id(base if rnd == 0 else f"{base}-{rnd + 1}", seen)
        cat.personas.append(pid)
        if rnd:
            pname = f"{FIRST_NAMES[(i + rnd) % len(FIRST_NAMES)]} the {pname.split(' the ', 1)[1]}"
        lines = ["---", "kind: persona", f"id: {pid}", f"name: {q(pname)}",
                 f"summary: {q(f'{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(FILLER)}.')}",
                 "description: |"]
        block(lines, "  ", f"Belongs to the **{segment.lower()}** segment and cares about {rng.choice(NOUNS)}.\n\n"
                           f"- Prefers the {rng.choice(CHANNELS)[1].lower()}\n"
                           f"- Dislikes {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}")
        lines.append(f"segment: {q(segment)}")
        lines.append(f"quote: {json.dumps(rng.choice(THOUGHTS))}")
        lines.append("goals:")
        lines.append(f"  - {q((rng.choice(VERB_BASES) + ' ' + rng.choice(OBJECTS)).capitalize())}")
        lines.append("frustrations:")
        for _ in range(2):
            lines.append(f"  - {q((rng.choice(ADJECTIVES) + ' ' + rng.choice(NOUNS)).capitalize())}")
        lines.append("motivations:")
        lines.append(f"  - {q(rng.choice(['Reliability', 'Low cost', 'Convenience', 'Status', 'Safety', 'Speed']))}")
        lines.append(f"channels: {flow_ids(rng.sample(cat.channels, 2))}")
        lines.append(f"tags: {flow_ids(rng.sample(TAGS[:4], 1))}")
        docs.append("\n".join(lines))
    personas_text = "\n".join(docs) + "\n"
    return cat, catalog_text, personas_text


# --------------------------------------------------------------------------
# Journeys
# --------------------------------------------------------------------------

@dataclass
class Step:
    id: str
    name: str
    stage: int
    action: str                        # base form of the name: "compare prices"
    next: list[int] | None = None     # global indices of successors (explicit next)
    exit: str | None = None
    pain_points: list[tuple[str, str]] = field(default_factory=list)  # (id, text)
    mot: bool = False


def plan_flow(rng: random.Random, steps: list[Step]) -> None:
    """Add branches, loops and drop-offs while keeping every step reachable.

    Invariant: for every k > 0, either step k-1 has no exit and links to k
    (by default or via an explicit ``next`` that includes k), or step k-1 is
    a drop-off ``B`` and the step before it (``A``) has ``next: [B, k]``.
    By induction from the start every step is reachable.
    """
    t = len(steps)
    taken = [False] * t                # step already has a flow role
    i = 0
    while i < t - 1:
        r = rng.random()
        if r < 0.035 and i + 2 < t and not taken[i] and not taken[i + 1]:
            # A -> [B (dropped), C]
            steps[i].next = [i + 1, i + 2]
            steps[i + 1].exit = "dropped"
            taken[i] = taken[i + 1] = True
            i += 2
            continue
        if r < 0.07 and not taken[i] and i + 2 < t:
            # forward branch: keep the default successor, add a skip ahead
            steps[i].next = [i + 1, min(t - 1, i + 2 + rng.randrange(3))]
            taken[i] = True
        elif r < 0.105 and not taken[i] and i >= 1:
            # loop back to an earlier step, keep going forward too
            back = max(0, i - 1 - rng.randrange(6))
            steps[i].next = [back, i + 1]
            taken[i] = True
        i += 1
    if not taken[t - 1] and rng.random() < 0.4:
        steps[t - 1].exit = "completed"


def metric_use(rng: random.Random, cat: Catalog) -> str:
    mid, _better = cat.metrics[rng.randrange(len(cat.metrics))]
    target = round(rng.uniform(1, 95), 1)
    parts = [f"metric: {mid}", f"target: {num(target)}"]
    if rng.random() < 0.85:
        actual = round(target * rng.uniform(0.6, 1.3), 1)
        parts.append(f"actual: {num(actual)}")
    return "{" + ", ".join(parts) + "}"


def markdown_para(rng: random.Random, subject: str, jid: str, sid: str, rich: bool) -> str:
    verb = rng.choice(VERBS).lower()
    obj = rng.choice(OBJECTS)
    if rng.random() < 0.5:
        text = f"The customer **{verb}** {obj} {rng.choice(FILLER)}."
    else:
        text = f"Wants to {subject} but finds the **{rng.choice(NOUNS)}** {rng.choice(ADJECTIVES)}."
    if rich:
        text += (f"\n\n- {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
                 f"\n- {rng.choice(VERBS)} {rng.choice(OBJECTS)} *{rng.choice(FILLER)}*"
                 f"\n\nNotes in [the research log](https://research.example.com/{jid}/{sid}).")
    return text


def build_journey(idx: int, seed: int, cat: Catalog, n_stages: int, n_steps: int,
                  links: tuple[list[str], list[str]], events: bool, width: int) -> tuple[str, str]:
    """Return (journey id, YAML text) for journey number ``idx`` (1-based)."""
    rng = random.Random(f"cjmc-bench:{seed}:journey:{idx}")
    jid = f"j{idx:0{width}d}"

    # ---- structure: stages, steps, flow, pain points -----------------------
    stage_ids: list[str] = []
    stage_names: list[str] = []
    seen_stage: dict = {}
    offset = rng.randrange(len(STAGE_NAMES))
    for s in range(n_stages):
        name = STAGE_NAMES[(offset + s) % len(STAGE_NAMES)]
        stage_names.append(name)
        stage_ids.append(unique_id(slug(name), seen_stage))

    steps: list[Step] = []
    seen_step: dict = {}
    for s in range(n_stages):
        for _ in range(n_steps):
            v = rng.randrange(len(VERBS))
            obj = rng.choice(OBJECTS)
            name = f"{VERBS[v]} {obj}"
            steps.append(Step(id=unique_id(slug(name, 48), seen_step), name=name,
                              stage=s, action=f"{VERB_BASES[v]} {obj}"))
    plan_flow(rng, steps)

    seen_pp: dict = {}
    seen_op: dict = {}
    all_pp: list[str] = []
    for st in steps:
        for _ in range(rng.choices((0, 1, 2), (58, 32, 10))[0]):
            adj, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
            pid = unique_id(f"pp-{adj}-{slug(noun)}", seen_pp)
            st.pain_points.append((pid, f"{adj.capitalize()} {noun} when trying to {st.action}"))
            all_pp.append(pid)
    for s in range(n_stages):
        if rng.random() < 0.9:
            st = steps[s * n_steps + rng.randrange(n_steps)]
            st.mot = True

    # ---- header ------------------------------------------------------------
    preceded, followed = links
    out = ["# Generated by bench/generate.py -- do not edit by hand.", "kind: journey",
           f"id: {jid}"]
    topic = rng.choice(OBJECTS)
    title = f"{rng.choice(VERBS)} {topic} ({jid})"
    out.append(f"title: {q(title)}")
    n_pers = 1 + (rng.random() < 0.35 and len(cat.personas) > 1)
    out.append(f"personas: {flow_ids(rng.sample(cat.personas, n_pers))}")
    out.append("description: |")
    block(out, "  ",
          f"How customers deal with **{topic}** from first contact to a settled outcome. "
          f"Built from {rng.randrange(3, 40)} interviews and {rng.choice(['web analytics', 'support tickets', 'store observations', 'app reviews'])}.\n\n"
          f"- Scope: {rng.choice(STAGE_NAMES).lower()} to {rng.choice(STAGE_NAMES).lower()}\n"
          f"- Main pain: {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}\n"
          f"- Status: {rng.choice(['draft', 'reviewed', 'signed off'])}\n\n"
          f"See [the research board](https://research.example.com/journeys/{jid}) for raw notes.")
    out.append(f"goal: {q(f'{rng.choice(VERBS)} {rng.choice(OBJECTS)} without {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}')}")
    out.append(f"business_goal: {q(f'Cut {rng.choice(NOUNS)} complaints by {rng.randrange(10, 60)} %')}")
    out.append(f"owner: {rng.choice(cat.teams)}")
    out.append(f"state: {'future' if rng.random() < 0.2 else 'current'}")
    out.append(f"last_reviewed: 2026-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}")
    out.append(f"tags: {flow_ids(rng.sample(TAGS, 1 + rng.randrange(3)))}")
    if preceded:
        out.append(f"preceded_by: {flow_ids(preceded)}")
    if followed:
        out.append(f"followed_by: {flow_ids(followed)}")
    out.append("kpis:")
    for _ in range(2 + rng.randrange(2)):
        out.append(f"  - {metric_use(rng, cat)}")
    if rng.random() < 0.05:
        out.append("lint_ignore:")
        out.append("  stale-journey: Re-research scheduled for next quarter")

    # ---- stages and steps --------------------------------------------------
    out.append("stages:")
    for s in range(n_stages):
        out.append(f"  - id: {stage_ids[s]}")
        out.append(f"    name: {q(stage_names[s])}")
        out.append(f"    description: {q(f'The customer moves through {stage_names[s].lower()} {rng.choice(FILLER)}.')}")
        out.append(f"    goal: {q(f'{rng.choice(VERBS)} {rng.choice(OBJECTS)}')}")
        if rng.random() < 0.5:
            out.append("    kpis:")
            out.append(f"      - {metric_use(rng, cat)}")
        out.append("    steps:")
        for k in range(s * n_steps, (s + 1) * n_steps):
            st = steps[k]
            p = "      "
            out.append(f"{p}- id: {st.id}")
            p = "        "
            out.append(f"{p}name: {q(st.name)}")
            desc = markdown_para(rng, st.action, jid, st.id, rng.random() < 0.15)
            if "\n" in desc:
                out.append(f"{p}description: |")
                block(out, p + "  ", desc)
            else:
                out.append(f"{p}description: {q(desc)}")
            if rng.random() < 0.92:
                tp, ch = cat.touchpoints[rng.randrange(len(cat.touchpoints))]
                out.append(f"{p}touchpoint: {tp}")
                if rng.random() < 0.4:
                    out.append(f"{p}channel: {ch}")
            else:
                out.append(f"{p}channel: {rng.choice(cat.channels)}")
            if rng.random() < 0.95:
                out.append(f"{p}emotion: {rng.choices(EMOTIONS, EMOTION_WEIGHTS)[0]}")
            if rng.random() < 0.4:
                out.append(f"{p}thoughts:")
                for t in rng.sample(THOUGHTS, 1 + (rng.random() < 0.2)):
                    out.append(f"{p}  - {q(t)}")
            if rng.random() < 0.35:
                out.append(f"{p}questions:")
                for t in rng.sample(QUESTIONS, 1 + (rng.random() < 0.15)):
                    out.append(f"{p}  - {q(t)}")
            if rng.random() < 0.35:
                out.append(f"{p}backstage:")
                out.append(f"{p}  - {q(rng.choice(BACKSTAGE))}")
            if rng.random() < 0.4:
                out.append(f"{p}evidence: {flow_ids(rng.sample(cat.evidence, 1 + (rng.random() < 0.3)))}")
            if st.mot:
                out.append(f"{p}moment_of_truth:")
                out.append(f"{p}  why: {q(rng.choice(MOT_WHY))}")
                if rng.random() < 0.5:
                    out.append(f"{p}  kind: {rng.choice(['zero', 'first', 'second'])}")
            if st.mot or rng.random() < 0.25:
                out.append(f"{p}metrics:")
                for _ in range(1 + (rng.random() < 0.3)):
                    out.append(f"{p}  - {metric_use(rng, cat)}")
            if st.pain_points:
                out.append(f"{p}pain_points:")
                for pid, text in st.pain_points:
                    out.append(f"{p}  - id: {pid}")
                    out.append(f"{p}    text: {q(text)}")
                    out.append(f"{p}    severity: {rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0]}")
                    if rng.random() < 0.6:
                        out.append(f"{p}    evidence: {flow_ids(rng.sample(cat.evidence, 1 + (rng.random() < 0.25)))}")
            if all_pp and rng.random() < 0.2:
                out.append(f"{p}opportunities:")
                for _ in range(1 + (rng.random() < 0.1)):
                    # prefer this step's own pain points, else any in the journey
                    pool = [pid for pid, _ in st.pain_points] or all_pp
                    addr = rng.sample(pool, min(len(pool), 1 + (rng.random() < 0.25)))
                    verb, noun = rng.choice(OPP_PREFIXES), rng.choice(NOUNS)
                    oid = unique_id(f"op-{slug(verb)}-{slug(noun)}", seen_op)
                    text = f"{verb} the {noun} for {rng.choice(OBJECTS)}"
                    out.append(f"{p}  - id: {oid}")
                    out.append(f"{p}    text: {q(text)}")
                    out.append(f"{p}    addresses: {flow_ids(addr)}")
                    out.append(f"{p}    owner: {rng.choice(cat.teams)}")
                    out.append(f"{p}    status: {rng.choices(STATUSES, STATUS_WEIGHTS)[0]}")
            if events:
                out.append(f"{p}events: {flow_ids(step_event_names(jid, st.id))}")
            if st.next is not None:
                out.append(f"{p}next: {flow_ids([steps[j].id for j in st.next])}")
            if st.exit:
                out.append(f"{p}exit: {st.exit}")
            if rng.random() < 0.02:
                out.append(f"{p}x-analytics: {{dashboard: {jid}-{st.id[:20]}, owner: {rng.choice(cat.teams)}}}")
    return jid, "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# Project
# --------------------------------------------------------------------------

def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def _generate(n: int, out_dir, seed: int = 1, stages: int = 6, steps: int = 5,
              events: bool = False) -> tuple[Path, int]:
    if n < 1 or stages < 1 or steps < 1:
        raise ValueError("N, --stages and --steps must be at least 1")
    out = Path(out_dir)
    journeys_dir = out / "maps" / "journeys"
    journeys_dir.mkdir(parents=True, exist_ok=True)
    # Remove journeys left over from an earlier, larger run (only our own files),
    # so that the project stays consistent.
    for old in journeys_dir.glob("j*.yaml"):
        if re.fullmatch(r"j\d{5,}\.yaml", old.name):
            old.unlink()

    width = max(5, len(str(n)))
    rng = random.Random(f"cjmc-bench:{seed}:project")
    n_personas = max(5, n // 20)
    cat, catalog_text, personas_text = build_catalog(rng, n_personas)

    # Consecutive journeys are sometimes linked: j(i) followed_by j(i+1) and
    # j(i+1) preceded_by j(i).
    ids = [f"j{i:0{width}d}" for i in range(1, n + 1)]
    preceded: list[list[str]] = [[] for _ in range(n)]
    followed: list[list[str]] = [[] for _ in range(n)]
    for i in range(n - 1):
        if rng.random() < 0.3:
            followed[i].append(ids[i + 1])
            preceded[i + 1].append(ids[i])

    total = 0
    total += _write(out / "cjmc.yaml",
                    "# Generated by bench/generate.py -- do not edit by hand.\n"
                    f"name: cjmc benchmark corpus (N={n}, seed={seed})\n"
                    'maps: ["maps/**/*.yaml", "maps/**/*.yml"]\n')
    total += _write(out / "maps" / "catalog.yaml", catalog_text)
    total += _write(out / "maps" / "personas.yaml", personas_text)
    for i in range(n):
        jid, text = build_journey(i + 1, seed, cat, stages, steps,
                                  (preceded[i], followed[i]), events, width)
        total += _write(journeys_dir / f"{jid}.yaml", text)
    return out, total


def generate(n: int, out_dir, seed: int = 1, stages: int = 6, steps: int = 5,
             events: bool = False) -> Path:
    """Write a corpus of ``n`` journeys to ``out_dir``; return its path."""
    return _generate(n, out_dir, seed=seed, stages=stages, steps=steps, events=events)[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a deterministic cjmc benchmark corpus.")
    ap.add_argument("n", metavar="N", type=int, help="number of journeys")
    ap.add_argument("out_dir", metavar="OUT_DIR", help="project folder to write")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--stages", type=int, default=6, help="stages per journey (default 6)")
    ap.add_argument("--steps", type=int, default=5, help="steps per stage (default 5)")
    ap.add_argument("--events", action="store_true",
                    help="add the `events:` extension key to every step")
    args = ap.parse_args(argv)
    if args.n < 1 or args.stages < 1 or args.steps < 1:
        ap.error("N, --stages and --steps must be at least 1")
    t0 = time.perf_counter()
    path, total = _generate(args.n, args.out_dir, seed=args.seed, stages=args.stages,
                            steps=args.steps, events=args.events)
    dt = time.perf_counter() - t0
    print(f"wrote {args.n} journeys to {path}: {total} bytes "
          f"({total / 1e6:.1f} MB, {total / args.n / 1000:.1f} KB/journey) in {dt:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
