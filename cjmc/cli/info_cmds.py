"""``cjmc schema`` and ``cjmc rules``: the language and the rules, from the tool itself."""

from __future__ import annotations

import json

import click

from .options import fail


@click.command()
@click.argument("kind", required=False, default="map")
def schema(kind: str) -> None:
    """Print the JSON Schema of KIND: persona, catalog, journey, config, map (default: any map document)."""
    from ..validate.messages import did_you_mean
    from ..validate.schemas import SCHEMA_NAMES, schema_path

    names = SCHEMA_NAMES + ("manifest",)
    if kind not in names or not schema_path(kind).is_file():
        hint = did_you_mean(kind, names)
        fail(f"no schema for `{kind}`" + (f"; {hint}" if hint else f"; choose one of {', '.join(names)}"))
    click.echo(schema_path(kind).read_text(encoding="utf-8"), nl=False)


@click.command()
@click.argument("rule", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(rule: str | None, fmt: str) -> None:
    """List every lint rule with its default severity, or explain RULE."""
    from ..lint.registry import all_rules
    from ..validate.messages import did_you_mean

    registry = all_rules()
    if rule is not None:
        if rule not in registry:
            hint = did_you_mean(rule, registry)
            fail(f"no lint rule `{rule}`" + (f"; {hint}" if hint else "; run `cjmc rules` for the list"))
        selected = registry[rule]
        if fmt == "json":
            click.echo(json.dumps(_rule_json(selected), indent=2))
        else:
            click.echo(f"{selected.name} (default: {selected.severity})\n\n{selected.documentation}")
        return
    if fmt == "json":
        click.echo(json.dumps([_rule_json(r) for r in registry.values()], indent=2))
        return
    width = max(len(name) for name in registry)
    for item in registry.values():
        click.echo(f"{item.name:<{width}}  {item.severity:<7}  {item.summary}")


def _rule_json(rule) -> dict:
    return {"name": rule.name, "severity": rule.severity, "strict_severity": rule.strict or rule.severity,
            "summary": rule.summary, "options": dict(rule.options), "needs_events": rule.needs_events,
            "documentation": rule.documentation}
