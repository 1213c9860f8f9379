"""The pull-request workflow: scaffolding, semantic diffs, baselines, pre-commit and a live preview server."""
