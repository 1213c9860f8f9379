"""Every relative link of the built example site resolves: files exist, fragments name an id."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from .htmlscan import scan_site

ALLOWED_EXTERNAL = ("http://", "https://", "mailto:")


def test_every_relative_link_resolves(example_site: Path):
    checked, problems = broken_links(example_site)
    assert checked > 1000
    assert not problems, "\n".join(problems[:50])


def broken_links(site: Path) -> tuple[int, list[str]]:
    """How many relative links the site's pages have, and the ones that do not resolve."""
    pages = scan_site(site)
    assert "index.html" in pages and "journeys/buy-first-bike.html" in pages
    problems = []
    checked = 0
    for rel, scan in pages.items():
        for tag, attribute, url in scan.links:
            if url.startswith(ALLOWED_EXTERNAL):
                assert tag == "a", f"{rel}: {tag} {attribute} loads an external URL {url}"
                continue
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{rel}: unexpected URL {url}"
            target = (Path(rel).parent / unquote(parts.path)).as_posix() if parts.path else rel
            target_file = (site / target).resolve()
            checked += 1
            if parts.path and not target_file.is_file():
                problems.append(f"{rel}: {url} -> missing file {target}")
                continue
            if parts.fragment:
                target_rel = target_file.relative_to(site.resolve()).as_posix()
                if target_rel not in pages or parts.fragment not in pages[target_rel].ids:
                    problems.append(f"{rel}: {url} -> no id {parts.fragment!r} in {target_rel}")
    return checked, problems


def test_ids_are_unique_on_every_page(example_site: Path):
    for rel, scan in scan_site(example_site).items():
        duplicates = sorted({i for i in scan.ids if scan.ids.count(i) > 1})
        assert not duplicates, f"{rel}: duplicate ids {duplicates}"


def test_no_absolute_or_network_references(example_site: Path):
    for path in sorted(example_site.rglob("*")):
        if path.suffix in (".html", ".css", ".js") and path.name != "search-index.js":
            text = path.read_text(encoding="utf-8")
            assert "//cdn" not in text and "@import" not in text and "fonts.googleapis" not in text, path
            assert 'src="http' not in text and 'href="/' not in text and "src='/" not in text, path
