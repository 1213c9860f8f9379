"""``cjmc build`` as a library call: compile, lint, render diagrams, render pages, publish.

The model, the lint findings and the cross-page index are built first; then
pages are rendered one at a time into a staging folder, which
:mod:`.output` swaps in only when every page was written. Graphviz lays out
diagrams in its own processes meanwhile, and large sites render in two
processes. Nothing here prints: progress goes to the optional ``progress``
callback.
"""

from __future__ import annotations

import datetime
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, NamedTuple

from markupsafe import Markup

from .. import __version__
from ..config import Config, load_config, map_files
from ..diagnostics import Diagnostic, UsageError, fails
from ..fsutil import file_size
from ..keyed_cache import PROJECT_CACHE
from ..model import Project
from ..pipeline import building_model
from ..report.text import counted
from ..resources import data_dir
from .context import build_pages
from .inline_svg import inline_svg, inline_svg_text
from .map_texts import PersonaMapTexts
from .views import (NAV, Diagram, Page, RuleSource, SiteInfo, as_blocks, journey_path, persona_map_name, persona_path,
                    root_of)

if TYPE_CHECKING:
    from ..timings import Timings
    from .fragments import FragmentStore

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    out: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: bool = False
    blocked: str = ""  # why the site was not written: "invalid" | "strict"
    notes: list[str] = field(default_factory=list)  # things the user should know (e.g. event data skipped)
    pages: int = 0
    reused_pages: int = 0  # pages taken unchanged from the previous build instead of rendered
    cached_files: int = 0  # map files whose compiled results came from the cache
    diagrams: int = 0
    files: int = 0
    seconds: float = 0.0
    timings: "Timings | None" = None  # each phase's wall and CPU time (``cjmc build --timings``)


def default_output(root: Path) -> Path:
    return root / "_site"


def build_site(project_root: Path, out: Path | None = None, *, strict: bool = False, fail_on: str = "error",
               force: bool = False, engine: str | None = None, progress: Progress | None = None,
               today: "datetime.date | None" = None, cache: bool = True) -> BuildResult:
    """Build the site of the project at ``project_root`` into ``out`` (default ``PROJECT/_site``).

    Raises :class:`UsageError` for a refused output folder or bad settings.
    An invalid project (validity errors), or with ``strict`` any finding at or
    above ``fail_on``, leaves ``out`` untouched (``result.written`` is False).
    With ``cache`` (the default), unchanged map files, diagrams and pages are
    taken from ``PROJECT/.cjmc-cache`` and the previous build; without it
    everything is made anew.
    """
    from ..lint.engine import lint_compilation
    from ..timings import Timings
    from .output import check_output_dir

    started = time.perf_counter()
    timings = Timings()
    say = progress or (lambda message: None)
    with timings.phase("settings and map files") as phase:
        root = Path(project_root).resolve()
        config = load_config(root)
        out = Path(out).resolve() if out else default_output(root)
        paths = map_files(config)
        check_output_dir(out, config, force=force, paths=paths)
        phase.detail = counted(len(paths), "map file")

    from ..lint.settings import resolve_settings
    from ..sharded import compile_fastest

    # On a large portfolio the shards lint as they go and draw each journey's diagrams; on one
    # process lint runs below, once event data is read.
    cache_dir = root / PROJECT_CACHE
    with timings.phase("compile maps") as phase:
        done = compile_fastest(root, config, paths, settings=resolve_settings(config), today=today,
                               per_journey=journey_diagrams, cache_dir=cache_dir / "compile" if cache else None,
                               summary=diagrams_summary, positions=False)
        phase.detail = (f"{done.cached_files} map files from the cache, "
                        f"{counted(done.workers, 'process', 'processes')}"
                        + (", linted there" if done.diagnostics is not None else ""))
    compilation, diagnostics = done.compilation, done.diagnostics
    result = BuildResult(out, cached_files=done.cached_files, timings=timings)
    if not compilation.valid or compilation.project is None:
        result.diagnostics = list(compilation.diagnostics)
        result.blocked = "invalid"
        result.seconds = time.perf_counter() - started
        return result
    from ..observe.api import observations_for_build

    with timings.phase("event data") as phase:
        observations, note = observations_for_build(compilation)
        phase.detail = f"{counted(len(observations or {}), 'journey')} observed"
    if note:
        say(note)
    result.notes = [note] if note else []
    project = compilation.project
    layout = None
    try:
        # Graphviz starts first: its processes lay out diagrams on the other core while lint and pages run here.
        with timings.phase("start diagrams") as phase:
            maps = portfolio_maps(config, project)
            map_texts = (PersonaMapTexts(cache_dir / "compile", done.plan_key, done.sources, project)
                         if cache and maps == "per-persona" else None)
            layout = start_diagrams(project, engine or config.diagrams_engine, cache_dir if cache else None, say,
                                    observations, done.per_journey, maps, map_texts)
            if map_texts is not None:
                map_texts.save()
            phase.detail = f"{counted(len(layout.diagrams), 'diagram')}, {layout.drawn_now} for Graphviz to lay out"
        if diagnostics is None:
            with timings.phase("lint"):
                diagnostics = lint_compilation(compilation, today=today, observations=observations)
        result.diagnostics = diagnostics
        if strict and fails(diagnostics, fail_on):
            result.blocked = "strict"
            result.seconds = time.perf_counter() - started
            return result

        from .fragments import FragmentStore
        from .output import Staging
        from .reuse import PageReuse, page_keys

        result.diagrams = len(layout.diagrams)
        templates = template_fingerprint(config) if cache else ""
        keys = {}
        if cache and not observations:  # observed journeys are not part of any key: always rendered
            with timings.phase("page keys"):
                keys = page_keys(project, diagnostics, done.sources, layout.keys, site_info(config, project),
                                 templates, done.plan_key)
        reuse = PageReuse(cache_dir / "site" if cache else None, out, keys)
        with Staging(out) as staging:
            written, pages_with_diagrams = render_site(
                project, config, diagnostics, layout.diagrams, say, staging.write, observations,
                fill=layout.fill_cached, reuse=lambda path: reuse.place(path, staging.path(path)),
                fragments=FragmentStore(cache_dir / "fragments" if cache else None, templates,
                                        splicing=_may_splice(config)),
                cost=lambda path: file_size(out / path),
                journey_keys={jid: keys[path] for jid in project.journeys if (path := journey_path(jid)) in keys},
                template_cache=cache_dir / "templates" / _code_key() if cache else None, timings=timings)
            say(f"waiting for Graphviz ({len(layout.pending)} diagrams)")
            with timings.phase("wait for Graphviz") as phase:
                layout.finish()  # raises UsageError when a diagram cannot be laid out
                # Graphviz ran while pages rendered; its CPU time counts here, where its processes end.
                phase.detail = f"{counted(layout.drawn_now, 'diagram')} laid out (CPU: all of Graphviz's)"
            with timings.phase("fill diagrams") as phase:
                fill_pages(pages_with_diagrams, layout, staging.read, staging.write)
                phase.detail = f"{counted(len(pages_with_diagrams), 'page')} waited for Graphviz"
            result.pages = sum(1 for name in written if name.endswith(".html"))
            result.files = len(written)
            say(f"publishing {len(written)} files to {out}")
            publishing = timings.start("publish", counted(len(written), "file"))  # leaving the block swaps the site in
        timings.stop(publishing)
    finally:
        if layout is not None:
            layout.cancel()
    reuse.save()
    if cache:
        _prune_caches(cache_dir)
    result.reused_pages = reuse.reused
    result.written = True
    result.seconds = time.perf_counter() - started
    from .. import runtime

    runtime.keep_until_exit(done, compilation, project, layout, keys, reuse)
    return result


# ---------------------------------------------------------------- diagrams

PLACEHOLDER_MARK = b"<!--cjmc-diagram:"
_MARKER = re.compile(rb"<!--cjmc-diagram:([a-z0-9_.-]+)-->")


def _placeholder(name: str) -> Markup:
    return Markup(f"<!--cjmc-diagram:{name}-->")


class DiagramLayout:
    """Graphviz laying out diagrams in its own processes while pages render.

    Pages are rendered with a placeholder comment where a diagram goes. The
    inline SVGs wait in a temporary file rather than in memory (a large
    portfolio's are ~100 MB): the emotion curves (``ready``, drawn in Python)
    from the start, diagrams found in the cache when a page asks, and what
    Graphviz draws once :meth:`finish` has collected it. They are appended to
    one file (a file each took ~0.3 s at 1,000 journeys, mostly for pages a
    rebuild then reused). No thread of ours runs meanwhile, so rendering
    pages may fork. What Graphviz draws is kept as it came until a page
    asks for it (:meth:`fill`): the pages left with a placeholder are then
    filled by two processes, each making the SVGs its pages show inline-able
    and storing them in the cache (:func:`fill_pages`).
    """

    def __init__(self, diagrams: dict[str, Diagram], pending: dict[str, Any], labels: dict[str, str],
                 engine: str, cache_dir: Path | None, ready: dict[str, str] | None = None,
                 on_disk: dict[str, Callable[[], str]] | None = None):
        import tempfile

        from ..render.api import RenderError
        from ..render.cache import start_cached

        self.diagrams = diagrams
        self.pending = tuple(pending)  # names only: the DOT texts are written to disk and not kept
        self.labels = labels
        self._svgs: dict[str, tuple[int, int]] = {}  # name -> (offset, length) in the file
        self._drawn: dict[str, tuple[int, int]] = {}  # the same for Graphviz's own output, not yet inline-able
        self._on_disk = on_disk or {}  # name -> how to load an inline SVG ready elsewhere (the compile cache)
        self._rendering = None
        self._folder = tempfile.TemporaryDirectory(prefix="cjmc-svg-")
        self._file = Path(self._folder.name) / "svgs"
        self._size = 0
        self._keep_all((name, svg.encode()) for name, svg in (ready or {}).items())
        try:
            self._rendering = start_cached(list(pending.items()), "svg", engine,
                                           cache_dir / "svg" if cache_dir is not None else None)
        except RenderError as exc:
            self.cancel()
            raise UsageError(f"cannot render the diagrams: {exc}") from None
        except BaseException:  # interrupted: nobody gets this object to cancel (Graphviz: see stop_strays)
            self.cancel()
            raise

    def _keep_all(self, svgs: Iterable[tuple[str, bytes]], index: dict[str, tuple[int, int]] | None = None) -> None:
        index = self._svgs if index is None else index
        with self._file.open("ab") as handle:
            for name, svg in svgs:
                handle.write(svg)
                index[name] = (self._size, len(svg))
                self._size += len(svg)

    def _read(self, name: str) -> bytes:
        if name in self._drawn:
            raw = self._read_at(self._drawn[name])
            self._rendering.store(name, raw)
            return self._inline(name, raw)
        if name not in self._svgs:
            return self._on_disk[name]().encode()
        return self._read_at(self._svgs[name])

    def _read_at(self, place: tuple[int, int]) -> bytes:
        offset, length = place
        with self._file.open("rb") as handle:
            handle.seek(offset)
            return handle.read(length)

    def finish(self) -> None:
        """Wait for Graphviz and keep what it drew (made inline-able and cached as pages ask, see :meth:`fill`)."""
        from ..render.api import RenderError

        try:
            self._keep_all(self._rendering.fresh(), self._drawn)
        except RenderError as exc:
            raise UsageError(f"cannot render the diagrams: {exc}") from None

    @property
    def drawn_now(self) -> int:
        """How many diagrams Graphviz lays out in this build: the others were in the cache."""
        return len(self.pending) - len(self._rendering.hits) if self._rendering is not None else 0

    def store_rest(self) -> None:
        """Cache what Graphviz drew that no page asked for (a page reused from the last build shows it)."""
        for name, place in self._drawn.items():
            if not self._rendering.kept(name):  # a page's filler stored most: they are not read again
                self._rendering.store(name, self._read_at(place))
        self._rendering.prune()

    def _inline(self, name: str, raw: bytes) -> bytes:
        from ..render.svgclean import clean_svg_bytes

        return inline_svg(clean_svg_bytes(raw), self.labels[name], f"{name.split('-')[0]}-svg-", without_prolog=True)

    def fill_cached(self, page: bytes) -> bytes:
        """Put in the diagrams that are ready or in the cache; the others stay placeholders until :meth:`finish`.

        Called as pages are rendered (also in a forked renderer), so an
        incremental build writes most pages once.
        """
        if PLACEHOLDER_MARK not in page:
            return page

        def available(match: re.Match) -> bytes:
            name = match.group(1).decode()
            if name in self._svgs or name in self._on_disk:
                return self._read(name)
            raw = self._rendering.cached(name)
            return match.group(0) if raw is None else self._inline(name, raw)

        return _MARKER.sub(available, page)

    @property
    def keys(self) -> dict[str, str]:
        """Each diagram's cache key (engine, version, DOT text); empty without a cache."""
        return self._rendering.keys if self._rendering is not None else {}

    def cancel(self) -> None:
        """Stop Graphviz if it still runs (the build stopped early or failed), and remove the SVGs."""
        if self._rendering is not None:
            self._rendering.cancel()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def fill(self, page: bytes) -> bytes:
        """Put in the diagrams Graphviz drew in this run (after :meth:`finish`), caching each as it goes."""
        return _MARKER.sub(lambda m: self._read(m.group(1).decode()), page)


@dataclass(frozen=True)
class _PageToFill:
    path: str


def fill_pages(paths: list[str], layout: DiagramLayout, read: Callable[[str], bytes],
               write: Callable[[str, bytes], None]) -> None:
    """Put Graphviz's diagrams into the pages rendered before it was done, then cache the diagrams no page showed.

    Making an SVG inline-able and storing it in the cache take ~1.5 ms per
    flow diagram; at 1,000 journeys that was ~1.5 s with one core busy and
    the other idle at the end of every cold build. Many pages are filled by
    two processes, as pages are rendered (:func:`render_pages`).
    """
    pages = [_PageToFill(path) for path in paths]
    render_pages(pages, lambda page: layout.fill(read(page.path)), write, lambda: None)
    layout.store_rest()


def _step_anchor(step) -> str:
    return f"#step-{step.id}"


def _flow_label(journey) -> str:
    return f"Flow of the journey “{journey.title}”: steps, branches and exits"


def _emotion_label(journey) -> str:
    return f"Emotion curve of the journey “{journey.title}”"


def journey_diagrams(project: Project, journey, observed=None) -> tuple[str, str]:
    """A journey's flow diagram as DOT and its emotion curve as inline SVG (pure Python)."""
    from ..render import api

    dot = api.journey_flow_dot(project, journey, step_href=_step_anchor, observed=observed)
    curve = api.emotion_curve_svg(project, journey, step_href=_step_anchor)
    # The curve is cjmc's own SVG: no prolog, and its texts are escaped (no "<!" or "<?" in them).
    return dot, str(inline_svg_text(curve, _emotion_label(journey), "emotion-svg-", without_prolog=True))


def diagrams_summary(diagrams: tuple[str, str]) -> str:
    """What a build needs of :func:`journey_diagrams` it compiled before: the flow's DOT by its digest.

    The DOT text is read from the compile cache only when its SVG is not in
    the diagram cache, and the emotion curve only when the journey's page is
    rendered: a rebuild of 1,000 journeys used to bring ~58 MB of both into
    the main process and use a few hundred KB.
    """
    from ..render.cache import text_digest

    return text_digest(diagrams[0])


# Past this many journeys one map of them all is unreadable, and laying it out took longer than
# the rest of a rebuild (7.5 s at 1,000 journeys), again whenever any journey's title changed.
WHOLE_MAP_MAX_JOURNEYS = 50


def portfolio_maps(config: Config, project: Project) -> str:
    """``whole`` (one portfolio map, on the home page) or ``per-persona`` (one on each persona's page)."""
    mode = config.site_portfolio_map
    if mode == "auto":
        return "whole" if len(project.journeys) <= WHOLE_MAP_MAX_JOURNEYS else "per-persona"
    return mode


def start_diagrams(project: Project, engine: str, cache_dir: Path | None, say: Progress,
                   observations: dict | None = None, made: dict | None = None,
                   maps: str = "whole", map_texts: "PersonaMapTexts | None" = None) -> DiagramLayout:
    """Emotion curves now (pure Python); flow diagrams and the portfolio maps laid out by Graphviz, started now.

    ``made`` holds :func:`journey_diagrams` of some journeys already (made in the shards that compiled them).
    ``maps`` is what :func:`portfolio_maps` chose. ``map_texts`` may give a persona map's DOT by its
    digest, made only if Graphviz must lay it out (see :mod:`.map_texts`).
    """
    from ..render.cache import KnownText
    from ..sharded import CachedValue

    dots: dict[str, Any] = {}
    labels: dict[str, str] = {}
    diagrams: dict[str, Diagram] = {}
    ready: dict[str, str] = {}
    on_disk: dict[str, Callable[[], str]] = {}
    for journey in project.journeys.values():
        name, emotion_name = f"flow-{journey.id}", f"emotion-{journey.id}"
        value = made.pop(journey.id) if made and journey.id in made else None
        if isinstance(value, CachedValue):
            load = _loader(value, project, journey)
            dots[name] = KnownText(value.summary, lambda load=load: load()[0])
            on_disk[emotion_name] = lambda load=load: load()[1]
        else:
            dot, emotion = value or journey_diagrams(project, journey, (observations or {}).get(journey.id))
            dots[name] = dot
            ready[emotion_name] = emotion
        labels[name] = _flow_label(journey)
        diagrams[name] = Diagram(_placeholder(name), labels[name])
        diagrams[emotion_name] = Diagram(_placeholder(emotion_name), _emotion_label(journey))
    for name, (make, label, persona) in portfolio_map_makers(project, maps).items():
        dots[name] = map_texts.text(persona, make) if map_texts is not None and persona else make()
        labels[name] = label
        diagrams[name] = Diagram(_placeholder(name), label)
    say(f"laying out {len(dots)} diagrams with Graphviz ({engine}) in the background")
    return DiagramLayout(dict(sorted(diagrams.items())), dots, labels, engine, cache_dir, ready, on_disk)


def portfolio_map_dots(project: Project, maps: str) -> dict[str, tuple[str, str]]:
    """The site's portfolio map(s) as ``{name: (DOT, accessible label)}``: one per persona that takes a
    journey, or one of the whole portfolio (``maps`` is what :func:`portfolio_maps` chose).

    The benchmark's Graphviz floor lays out these and the journeys' flows, the DOT a build lays out.
    """
    return {name: (make(), label) for name, (make, label, _) in portfolio_map_makers(project, maps).items()}


def portfolio_map_makers(project: Project, maps: str) -> dict[str, tuple[Callable[[], str], str, str | None]]:
    """:func:`portfolio_map_dots`, each DOT still to be made: ``{name: (make, label, persona id or None)}``."""
    from ..render import api

    found: dict[str, tuple[Callable[[], str], str, str | None]] = {}
    if maps == "per-persona":
        in_a_journey = {persona_id for journey in project.journeys.values() for persona_id in journey.personas}
        for persona in project.personas.values():
            if persona.id not in in_a_journey:
                continue
            # Shown on the persona's own page: links go up to the site root first.
            up = root_of(persona_path(persona.id))
            found[persona_map_name(persona.id)] = (
                partial(api.persona_map_dot, project, persona, journey_href=lambda j, up=up: up + journey_path(j.id)),
                f"Journey map of {persona.name}: the journeys they take and how they follow each other", persona.id)
    else:
        found["portfolio"] = (partial(api.portfolio_dot, project, journey_href=lambda j: journey_path(j.id),
                                      persona_href=lambda p: persona_path(p.id)),
                              "Portfolio map: personas, journeys and how journeys follow each other", None)
    return found


def _loader(value: Any, project: Project, journey) -> Callable[[], tuple[str, str]]:
    """Read a journey's diagrams from the compile cache; if the entry is gone or damaged, draw them again
    (the same text: they depend only on the model)."""
    def load() -> tuple[str, str]:
        try:
            return value.load()
        except Exception:
            return journey_diagrams(project, journey)

    return load


# ---------------------------------------------------------------- pages

def rule_sources() -> list[RuleSource]:
    from ..diagnostics import VALIDITY_RULES
    from ..lint.registry import VALIDITY_SUMMARIES, all_rules

    sources = [RuleSource(r.name, r.severity, r.summary, r.documentation, dict(r.options), "lint")
               for r in all_rules().values()]
    sources.extend(RuleSource(name, "error", VALIDITY_SUMMARIES[name], "", {}, "validity") for name in VALIDITY_RULES)
    return sources


def make_environment(config: Config, bytecode_folder: Path | None = None):
    """The Jinja environment of the site's templates (the project's override folder first).

    With ``bytecode_folder``, compiled templates are kept there (Jinja's own
    bytecode cache, checked against each template's source): compiling them
    all takes ~1 s, and each page renderer used to compile the ones it met. The folder
    should be keyed by cjmc's code, since the environment's settings are
    not part of Jinja's check.
    """
    import jinja2

    search_path = []
    if config.site_templates:
        override = (config.root / config.site_templates).resolve()
        if not override.is_dir():
            raise UsageError(f"site.templates in cjmc.yaml names {config.site_templates}, which is not a folder")
        search_path.append(jinja2.FileSystemLoader(str(override)))
    search_path.append(jinja2.FileSystemLoader(str(data_dir("templates"))))
    from .codegen import AttributeCodeGenerator
    from .escaping import EscapingTemplate
    from .fragments import FragmentExtension
    from .jinja_context import QuickCallContext

    env = jinja2.Environment(loader=jinja2.ChoiceLoader(search_path), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, extensions=[FragmentExtension],
                             bytecode_cache=_bytecode_cache(bytecode_folder))
    env.template_class = EscapingTemplate
    env.code_generator_class = AttributeCodeGenerator
    env.context_class = QuickCallContext
    env.filters["num"] = _number
    env.filters["signed"] = _signed
    env.filters["as_blocks"] = as_blocks
    return env


def _compile_templates(env) -> None:
    """Compile every template now, so the second page renderer (forked later) inherits them compiled."""
    import jinja2

    for name in env.list_templates(filter_func=lambda name: name.endswith(".html")):
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass  # reported as before, by the page that uses it


def _bytecode_cache(folder: Path | None):
    if folder is None:
        return None
    import jinja2

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only checkout builds without it
    return jinja2.FileSystemBytecodeCache(str(folder))


def _signed(value: int) -> str:
    """An emotion as the diagrams write it: +1, 0, −1 (a real minus sign)."""
    return f"+{value}" if value > 0 else ("0" if value == 0 else f"\u2212{-value}")


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _template_folders(config: Config) -> list[Path]:
    """The package's templates and the override folder (``site.templates``), which wins."""
    folders = [data_dir("templates")]
    if config.site_templates:
        folders.append((config.root / config.site_templates).resolve())
    return folders


def _prune_caches(cache_dir: Path) -> None:
    """Remove what no build used for a month (the diagram cache prunes itself), at most once a day."""
    from ..keyed_cache import KeyedFolder, prune_generations

    for name in ("compile", "fragments"):
        KeyedFolder(cache_dir / name).prune_daily()
    prune_generations(cache_dir / "templates", _code_key())


def _code_key() -> str:
    """A folder name for what this very cjmc compiled (see :func:`make_environment`)."""
    from ..keyed_cache import code_fingerprint

    return code_fingerprint()[:16]


def template_fingerprint(config: Config) -> str:
    from .reuse import template_fingerprint as fingerprint

    return fingerprint(_template_folders(config))


def site_info(config: Config, project: Project) -> SiteInfo:
    return SiteInfo(config.title, project.name, __version__, NAV, _base_url(config.site_base_url))


def _static_files(config: Config) -> dict[str, bytes]:
    """templates/static/** (and the override folder's static/, which wins), as site files."""
    files: dict[str, bytes] = {}
    folders = [data_dir("templates") / "static"]
    if config.site_templates:
        folders.append((config.root / config.site_templates / "static").resolve())
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    files["static/" + path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def palette_css() -> str:
    """CSS custom properties with the diagram palette (cjmc/render/palette.py), so page and diagrams agree."""
    from ..render.palette import PALETTE

    lines = ["/* Generated from cjmc/render/palette.py: the colours of the diagrams. */", ":root {"]
    for key, prefix in (("emotion", "emo-"), ("emotion_tint", "emo-tint-"), ("emotion_ink", "emo-ink-"),
                        ("severity", "sev-"), ("severity_ink", "sev-ink-")):
        for name, value in sorted(PALETTE[key].items(), key=lambda kv: kv[0]):
            lines.append(f"  --{prefix}{name}: {value};")
    for key in ("accent", "dropped", "completed", "future", "unreachable", "undeclared"):
        lines.append(f"  --{key}: {PALETTE[key]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _base_url(value: str | None) -> str | None:
    """``site.base_url`` with a trailing slash (None when unset: links stay relative, no sitemap)."""
    if not value:
        return None
    return value if value.endswith("/") else value + "/"


def sitemap_xml(base_url: str, paths: list[str]) -> str:
    """A sitemap for search engines (only written when ``site.base_url`` says where the site lives)."""
    from xml.sax.saxutils import escape

    urls = "".join(f"  <url><loc>{escape(base_url + path)}</loc></url>\n" for path in sorted(paths))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n")


PARALLEL_PAGES = 200  # below this, forking a second renderer costs more than it saves
# After rendering pages this large together, give the memory they took back to the system: a
# portfolio-wide page of 1,000 journeys leaves 5-40 MB of freed objects that would stay resident, and
# ~450 journey pages (125-150 KB each) left the second renderer ~60 MB more at the end of a cold build.
RELEASE_AFTER_BYTES = 1 << 20


def render_site(project: Project, config: Config, diagnostics: list[Diagnostic], diagrams: dict[str, Diagram],
                say: Progress, write: Callable[[str, "bytes | Iterable[bytes]"], None],
                observations: dict | None = None, *,
                parallel_from: int | None = None, fill: Callable[[bytes], bytes] = lambda page: page,
                reuse: Callable[[str], bool] = lambda path: False,
                fragments: "FragmentStore | None" = None,
                cost: Callable[[str], int] = lambda path: 0,
                journey_keys: Mapping[str, str] | None = None,
                template_cache: Path | None = None,
                timings: "Timings | None" = None) -> tuple[list[str], list[str]]:
    """Render every file of the site and hand each to ``write`` (site path, its bytes or an iterator of
    pieces of them, which a page's renderer makes as ``write`` takes them).

    Returns (every path written, the pages holding a diagram placeholder).
    Page contexts are all built first (a bad model stops the build before any
    page exists); pages are then rendered and written one by one, each as it
    is rendered, so memory never holds a whole page. ``fill`` may replace
    diagram placeholders in each piece of a page before it is written (the
    builder puts in the diagrams it found in its cache). ``reuse`` may put a page of the
    previous build in place instead (it says whether it did); it is asked
    before any page renders, in this process. ``fragments`` keeps rendered
    rows for the next build (see :mod:`.fragments`). ``cost`` guesses how long
    a page takes (the size it had last time): the costliest render first.
    ``journey_keys`` (journey id -> its page's key) let portfolio-wide pages
    take each journey's rows from ``fragments`` (see :class:`.views.Block`).
    ``template_cache`` keeps the compiled templates (see :func:`make_environment`).
    ``timings`` gets the phases (see :mod:`cjmc.timings`).
    """
    from ..timings import Timings
    from .search import search_index_js

    timings = timings if timings is not None else Timings()
    site = site_info(config, project)
    base_url = site.base_url
    # Making the lookups leaves no garbage, but with the collector on it ran ~230 collections here (one of
    # the old generation), ~0.09 s of the phase's ~0.33 s in a one-edit rebuild at 1,000 journeys; paused,
    # the phase took 0.24 s against 0.31 s. Frozen after (in a one-shot process), the lookups and the model
    # are not walked again while pages are rendered: rendering allocates millions of short-lived strings,
    # and every collection would walk them again (a third of the rendering time at 1,000 journeys).
    with timings.phase("shared lookups") as phase, building_model():
        pages: list[Page] = build_pages(project, diagnostics, rule_sources(), diagrams, title=config.title,
                                        observations=observations, journey_keys=journey_keys)
        phase.detail = f"for {counted(len(pages), 'page')}"
    say(f"rendering {len(pages)} pages")
    from .fragments import FragmentStore

    with timings.phase("templates and static files") as phase:
        env = make_environment(config, template_cache)
        _compile_templates(env)
        env.fragment_store = store = fragments or FragmentStore(None, "", splicing=_may_splice(config))
        files = _static_files(config)
        files["static/palette.css"] = palette_css().encode("utf-8")
        if base_url:
            files["sitemap.xml"] = sitemap_xml(base_url, [page.path for page in pages]).encode("utf-8")
        for path in sorted(files):
            write(path, files[path])
        files = dict.fromkeys(files)  # the names are returned
        phase.detail = counted(len(files), "file")

    def search_index() -> bytes:
        store.begin(SEARCH_INDEX)
        data = search_index_js(project, journey_keys, store)
        store.end()
        return data

    # A journey page with a key shows that journey's rows only, each block keyed by the page's key: when the
    # page must be rendered its key has changed, so its fragments would never be found again. Keeping them
    # had cost a cold build of 1,000 journeys 1,000 new files (~0.5 ms of CPU each here) and their pickles.
    keyed_journey_pages = {journey_path(jid) for jid in journey_keys or ()}

    def render(page: "Page | _MadeFile") -> "bytes | Streamed":
        if isinstance(page, _MadeFile):
            return page.make()
        streamed = stream(page)
        if not store.all_spliced():  # a template changed a fragment's text instead of printing it: no markers
            streamed = stream(page, splice=False)
        store.end()
        return streamed

    def stream(page: Page, splice: bool = True) -> Streamed:
        """Render ``page`` straight into its file, a piece at a time (see :class:`Streamed`)."""
        context = page.resolve_context()
        variables = {f.name: getattr(context, f.name) for f in fields(context)}
        del context  # a portfolio-wide page's context is tens of MB: gone with the page, before its rows are saved
        store.begin(page.path, keep=page.path not in keyed_journey_pages, splice=splice)
        text = env.get_template(page.template).generate(site=site, page=page, root=page.root, **variables)
        del variables
        tally = _Tally(fill)
        # Unspliced, a fragment is its text in the page's, a chunk of rows up to ~1 MB (see ``_chunked``).
        encoded = _encoded_pieces(text, store) if store.splicing else _encoded_pieces(text, size=UNSPLICED_JOIN)
        write(page.path, tally.through(encoded))
        return Streamed(tally.size, tally.marked)

    # Whether a second renderer pays off depends on the portfolio, not on how many pages are left:
    # the ones a rebuild must render are the largest.
    parallel = len(pages) >= (PARALLEL_PAGES if parallel_from is None else parallel_from)
    # The search index (12 MB at 1,000 journeys, joined from each journey's part) is made with the pages,
    # by whichever renderer takes it: made before them, it kept the other core idle for ~30 ms of a rebuild.
    to_render = [_MadeFile(SEARCH_INDEX, search_index),
                 *(page for page in pages if not reuse(page.path))]
    # A cold build knows no sizes: the portfolio-wide pages are the large ones. Rendered first, while the
    # forked renderer has written to little of the model it shares, their working sets do not add up to as much.
    to_render.sort(key=lambda page: (-cost(page.path), page.section == "journey"))
    with timings.phase("render pages") as phase:
        with_placeholders = render_pages(to_render, render, write, lambda: None,
                                         2 if parallel else len(to_render) + 1)
        rendered = len(to_render) - 1  # the search index is no page
        phase.detail = f"{counted(rendered, 'page')} rendered, {len(pages) - rendered} reused"
    return sorted([*files, SEARCH_INDEX, *(page.path for page in pages)]), with_placeholders


SEARCH_INDEX = "search-index.js"
# How many of a page's pieces are joined at a time when fragments go into its text as text (a project's own
# templates): 256 chunks of a catalog page's rows took a cold build of 1,000 journeys to 256 MB.
UNSPLICED_JOIN = 16


def _may_splice(config: Config) -> bool:
    """Whether found fragments may go into the pages as bytes (see :mod:`.fragments`): only with the
    package's own templates, which print every fragment as it is; a project's templates might do more."""
    return not config.site_templates


@dataclass(frozen=True)
class _MadeFile:
    """A file of the site that is no page, made by ``make`` when the renderers get to it."""

    path: str
    make: Callable[[], bytes]
    section: str = "file"


class Streamed(NamedTuple):
    """A page its renderer wrote itself, as it was rendered: how many bytes, and whether a diagram
    placeholder is left in them.

    A large portfolio's backlog and findings pages are ~17 MB each, rendered
    while the other renderer holds its share of the model: held whole before
    being written, each page was that much more of the build's peak memory.
    """

    size: int
    marked: bool


class _Tally:
    """Counts the bytes of a page going to its file, after ``fill`` put in the diagrams it could."""

    def __init__(self, fill: Callable[[bytes], bytes]):
        self.fill = fill
        self.size = 0
        self.marked = False

    def through(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            piece = self.fill(piece)
            self.size += len(piece)
            self.marked = self.marked or PLACEHOLDER_MARK in piece
            yield piece


def _encoded_pieces(fragments: Iterable[str], splicing: "FragmentStore | None" = None,
                    size: int = 256, piece: int = 1 << 20) -> Iterator[bytes]:
    """UTF-8 of the concatenated ``fragments`` (a template's output), in pieces of about ``piece`` bytes.

    What ``Template.render`` returns, encoded, without ever holding the
    whole page: the lint page of a large portfolio is a million
    fragments, ~100 MB as separate strings for a 17 MB page. Fragments are
    joined ``size`` at a time: a fragment may be a whole block of rows found
    in the fragment store (4,096 of those were a 33 MB chunk), so chunks stay
    small. Taking each chunk with ``islice`` keeps the per-fragment work in
    C: a journey page is ~4,500 fragments, and a Python loop over them took
    0.5-0.7 s of a cold build of 1,000 journeys, against ~0.2 s now. With a
    ``splicing`` store, a chunk holding its marker is encoded by it (see
    :mod:`.fragments`). A piece ends right after a ``>``, so it never splits a
    diagram placeholder (``<!--cjmc-diagram:NAME-->``), which each piece is
    searched for on its own. The fragments a chunk's markers stand for are
    added one at a time, each followed by the same check: 256 found chunks
    of a catalog page's rows (see ``_chunked`` in :mod:`.context`) are
    megabytes.
    """
    buffer = bytearray()
    fragments = iter(fragments)
    while pending := list(islice(fragments, size)):
        chunk = "".join(pending)
        if splicing is not None and splicing.marker in chunk:
            for part in splicing.encoded_parts(chunk):
                buffer += part
                yield from _full_piece(buffer, piece)
        else:
            buffer += chunk.encode()
            yield from _full_piece(buffer, piece)
    if buffer:
        yield bytes(buffer)


def _full_piece(buffer: bytearray, piece: int) -> Iterator[bytes]:
    """``buffer`` up to its last ``>`` (taken out of it), once it holds ``piece`` bytes."""
    if len(buffer) >= piece and (end := buffer.rfind(b">") + 1):
        yield bytes(buffer[:end])
        del buffer[:end]


@contextmanager
def collected_per_page() -> Iterator[Callable[[], None]]:
    """Collect a page's reference cycles when it is done, instead of letting the cyclic GC find them.

    Jinja's context of a page is a reference cycle (its macros' closures hold
    it), and the page's whole context hangs from it: the views of a
    catalog page are ~30,000 objects. Each cycle outlived the young
    generations and went to the old one, so the collector walked the
    contexts again and again in full collections: in a cold build of 1,000
    journeys the main process spent 3.7 s of CPU in the collector, 2.5 s
    after this change (most of that is freeing the pages' objects, which
    any way of freeing them pays). With automatic collection paused,
    everything a page makes stays young, and one young collection after the
    page frees its cycles, visiting each object once.
    """
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield partial(gc.collect, 0)
    finally:
        if was_enabled:
            gc.enable()


def render_pages(pages: list[Page], render: Callable[[Page], "bytes | Streamed"],
                 write: Callable[[str, bytes], None], on_started: Callable[[], None],
                 parallel_from: int | None = None) -> list[str]:
    """Render and write ``pages``; returns the paths that hold a diagram placeholder.

    ``render`` gives a page's bytes, which are then written, or writes the
    page itself and says so with a :class:`Streamed`.

    With many pages, ``os.fork`` available and no other thread running, a forked child renders pages
    alongside this process: each takes the next page when it is done with
    one, this process from the front of the list and the child from the back
    (two ends in shared memory), so a few large pages do not leave one process
    working alone. The contexts are shared copy-on-write,
    and only the list of written paths comes back through a pipe.
    ``on_started`` runs in this process after the fork, so threads it starts
    are never inherited by the child.
    """
    import contextlib
    import json
    import os
    import signal

    from ..interrupts import ignore_stop_signals, stop_signals_held
    from ..runtime import release_free_memory

    def run(claim: Callable[[], int]) -> list[str]:
        marked = []
        unreleased = 0  # bytes of pages rendered since memory was last given back
        with collected_per_page() as page_done:
            while (index := claim()) < len(pages):
                page = pages[index]
                data = render(page)
                if isinstance(data, Streamed):
                    size, has_placeholder = data
                else:
                    write(page.path, data)
                    size, has_placeholder = len(data), PLACEHOLDER_MARK in data
                del data
                if has_placeholder:
                    marked.append(page.path)
                page_done()
                unreleased += size
                if unreleased >= RELEASE_AFTER_BYTES:
                    release_free_memory()
                    unreleased = 0
        return marked

    if parallel_from is None:
        parallel_from = PARALLEL_PAGES
    from ..runtime import may_fork

    if len(pages) < max(parallel_from, 2) or not may_fork():
        on_started()
        return run(iter(range(len(pages) + 1)).__next__)
    import itertools

    from ..runtime import shared_ends

    try:
        # The parent takes pages from the front (the large, portfolio-wide ones), the child from the back
        # (journey pages, each showing one journey): the child then writes to (copies) only the part of the
        # shared model its journeys are, not all of it, as a page listing every journey would make it.
        parent_claim, child_claim = shared_ends(len(pages))
    except OSError:  # no shared memory (a container without /dev/shm): every other page each
        child_claim, parent_claim = itertools.count(1, 2).__next__, itertools.count(0, 2).__next__
    release_free_memory()  # freed memory still resident would be the child's too
    read_end, write_end = os.pipe()
    pid = -1
    try:
        with stop_signals_held():  # a signal held here may be raised as the block ends: pid is known by then
            pid = os.fork()
        if pid == 0:  # the child: render its share, report, and leave without running any cleanup of the parent
            code = 1
            try:
                ignore_stop_signals()  # the parent kills this process when it is interrupted
                os.close(read_end)
                parent = os.getppid()
                try:  # a parent that was killed outright (SIGKILL, the OOM killer) gets no more pages rendered
                    report = {"marked": run(lambda: child_claim() if os.getppid() == parent else len(pages))}
                    code = 0
                except BaseException as exc:  # reported to the parent, which raises it
                    report = {"error": str(exc), "type": type(exc).__name__, "errno": getattr(exc, "errno", None)}
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(json.dumps(report).encode())
            finally:  # whatever happened (a parent gone: no pipe to write to), never return into the parent's code
                os._exit(code)
        os.close(write_end)
        write_end = -1
        on_started()
        marked = run(parent_claim)
    except BaseException:
        if pid > 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        for end in (read_end, write_end):
            if end >= 0:
                with contextlib.suppress(OSError):  # closed already, if the interrupt came just after
                    os.close(end)
        raise
    with os.fdopen(read_end, "rb") as pipe:
        reply = pipe.read()
    os.waitpid(pid, 0)
    report = json.loads(reply or b'{"error": "the page renderer process died", "type": "RuntimeError"}')
    if "error" in report:
        if report.get("type") in ("OSError", "PermissionError", "FileNotFoundError") or report.get("errno"):
            raise OSError(report.get("errno") or 0, report["error"])
        raise RuntimeError(f"rendering pages failed: {report['type']}: {report['error']}")
    return sorted(marked + report["marked"])

