"""Observed journeys: what customers actually did, compared with the maps.

``cjmc observe`` reads an event log (CSV or Parquet, through DuckDB), maps
event names to steps (a step's ``events:``, or the implicit name
``<journey>.<step>``), orders each case's events by time and counts who
reached each step, which transitions they took and where they were last seen.
The result is a set of frozen dataclasses (:mod:`cjmc.observe.model`) that
the CLI, the lint rules and the site read.

Layout: ``mapping`` (event name -> step table), ``sql`` (the query, plain
text, also printed by ``--emit-sql``), ``engine`` (DuckDB, imported lazily),
``transitions_file`` (``--transitions FILE``), ``analyze`` (raw counts ->
:class:`~cjmc.observe.model.ObservedJourney`), ``api`` (entry points),
``report`` (text, json and csv output). See docs/observe.md.
"""
