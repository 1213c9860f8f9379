"""A tiny HTML scanner for the site tests: ids, links, scripts and attributes of every page."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class PageScan:
    path: Path
    ids: list[str] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, url)
    scripts: list[tuple[str | None, str]] = field(default_factory=list)  # (src, inline text)
    event_handlers: list[tuple[str, str]] = field(default_factory=list)  # (tag, attribute)
    tags: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self, scan: PageScan):
        super().__init__(convert_charrefs=True)
        self.scan = scan
        self._in_script: list[str] | None = None
        self._script_src: str | None = None

    def handle_starttag(self, tag, attrs):
        self.scan.tags.append(tag)
        for name, value in attrs:
            value = value or ""
            if name == "id":
                self.scan.ids.append(value)
            if name in ("href", "src", "action", "xlink:href", "formaction", "poster", "data"):
                self.scan.links.append((tag, name, value))
            if name.startswith("on"):
                self.scan.event_handlers.append((tag, name))
        if tag == "script":
            self._in_script = []
            self._script_src = dict(attrs).get("src")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scan.scripts.append((self._script_src, "".join(self._in_script)))
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script.append(data)


def scan_page(path: Path) -> PageScan:
    scan = PageScan(path)
    parser = _Parser(scan)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return scan


def scan_site(site: Path) -> dict[str, PageScan]:
    return {p.relative_to(site).as_posix(): scan_page(p) for p in sorted(site.rglob("*.html"))}
