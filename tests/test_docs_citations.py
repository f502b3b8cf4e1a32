"""Knowledge lives in the repository's ``docs/``, and what cites it points somewhere real.

* every ``docs/<name>.md`` named in the code (``workbench/``, ``tests/``, ``benchmarks/``, ``packaging/``)
  exists;
* every numbered citation ``docs/kubewarden-compat.md §N`` (or ``§N.M``, ``§N–§M``) names a section that
  the page has;
* nothing cites the old, out-of-tree "compat §N" any more;
* relative links between the pages of ``docs/`` (and from the top-level README) resolve.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import REPO_ROOT

DOCS = REPO_ROOT / "docs"
SCANNED = ("workbench", "tests", "benchmarks", "packaging")
DOC_NAME = re.compile(r"docs/([A-Za-z0-9_-]+\.md)")
COMPAT_CITATION = re.compile(r"docs/kubewarden-compat\.md,?\s+((?:§\s?\d+(?:\.\d+)?(?:\s*(?:[-–/,]|and)\s*)?)+)")
SECTION_NUMBER = re.compile(r"§\s?(\d+(?:\.\d+)?)")
HEADING = re.compile(r"^#{2,4}\s+(\d+(?:\.\d+)?)\.?\s", re.M)
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")
#: ``docs/oci.md, "Limits"``, ``docs/oci.md, section "Limits"``, ``docs/oci.md ("Limits")``
NAMED_SECTION = re.compile(r"docs/([A-Za-z0-9_-]+\.md)(?:,\s*(?:section\s+)?|\s*\(\s*)\"([^\"]+)\"")
ANY_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.M)


def _source_files() -> list[Path]:
    files: list[Path] = []
    for folder in SCANNED:
        root = REPO_ROOT / folder
        files += [
            p
            for p in root.rglob("*")
            if p.is_file()
            and p.suffix in {".py", ".json", ".sh", ".spec", ".md"}
            and "__pycache__" not in p.parts
            and p != Path(__file__).resolve()  # this file's own examples are not citations
        ]
    return sorted(files)


def _relative(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


def compat_sections(text: str) -> set[str]:
    """The section numbers of a numbered page: ``## 6. Post-processing`` → ``6``, ``### 2.5 …`` → ``2.5``."""
    return set(HEADING.findall(text))


def cited_sections(text: str) -> list[str]:
    """The ``§`` numbers cited for docs/kubewarden-compat.md in ``text``."""
    return [number for match in COMPAT_CITATION.finditer(text) for number in SECTION_NUMBER.findall(match.group(1))]


def heading_titles(text: str) -> set[str]:
    """Headings, normalised: ``## 9.2 Allow-list `patterns``` → ``allow-list patterns``."""
    return {_normalise(title) for title in ANY_HEADING.findall(text)}


def _normalise(title: str) -> str:
    title = re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", title.replace("`", "").strip())
    return title.rstrip(" .:").lower()


def test_parsers_on_examples() -> None:
    page = "# T\n\n## 1. One\n\n### 1.2 Sub\n\n## 12. Twelve\n#### not numbered\n"
    assert compat_sections(page) == {"1", "1.2", "12"}
    text = (
        "see docs/kubewarden-compat.md §6; (docs/kubewarden-compat.md §2.2–§2.4) and "
        "docs/kubewarden-compat.md §2.5 and §6. docs/kubewarden-compat.md, §7/§8"
    )
    assert cited_sections(text) == ["6", "2.2", "2.4", "2.5", "6", "7", "8"]
    assert heading_titles("## 9.2 Allow-list `patterns`\n### Limits:\n") == {"allow-list patterns", "limits"}
    named = 'docs/oci.md, "Limits"; docs/a.md, section "Trust root"; docs/b.md ("The data path")'
    assert NAMED_SECTION.findall(named) == [("oci.md", "Limits"), ("a.md", "Trust root"), ("b.md", "The data path")]


def test_the_compat_page_is_numbered() -> None:
    sections = compat_sections((DOCS / "kubewarden-compat.md").read_text(encoding="utf-8"))
    assert {str(n) for n in range(1, 17)} <= sections


def test_cited_doc_pages_exist() -> None:
    missing = []
    for path in _source_files():
        for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for name in DOC_NAME.findall(line):
                if not (DOCS / name).is_file() and "/work/shared/docs" not in line and "shared/docs/" not in line:
                    missing.append(f"{_relative(path)}:{lineno} cites docs/{name}")
    assert not missing, "citations of pages that docs/ does not have:\n  " + "\n  ".join(missing)


def test_compat_citations_name_existing_sections() -> None:
    sections = compat_sections((DOCS / "kubewarden-compat.md").read_text(encoding="utf-8"))
    wrong = []
    for path in _source_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number in cited_sections(text):
            if number not in sections:
                wrong.append(f"{_relative(path)} cites docs/kubewarden-compat.md §{number}")
    assert not wrong, "no such section:\n  " + "\n  ".join(wrong)


def test_no_out_of_tree_compat_citations() -> None:
    old = re.compile(r"(?<!docs/kubewarden-)compat(?:\.md)?`*\s+§")
    found = []
    for path in _source_files():
        if path == Path(__file__):
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if old.search(line):
                found.append(f"{_relative(path)}:{lineno}: {line.strip()}")
    assert not found, "cite docs/kubewarden-compat.md §N instead:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("page", [*sorted(p.name for p in DOCS.glob("*.md")), "../README.md"])
def test_links_between_pages_resolve(page: str) -> None:
    path = (DOCS / page).resolve()
    broken = [
        target
        for target in MARKDOWN_LINK.findall(path.read_text(encoding="utf-8"))
        if "://" not in target and not (path.parent / target).is_file()
    ]
    # pages that the index announces but another helper has not written yet are reported, not hidden
    assert not broken, f"{page} links to missing pages: {broken}"


def test_the_index_links_every_page() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    linked = set(MARKDOWN_LINK.findall(index))
    pages = {p.name for p in DOCS.glob("*.md")} - {"README.md"}
    assert pages <= linked, f"docs/README.md does not link {sorted(pages - linked)}"


def test_named_sections_exist() -> None:
    """``docs/<page>.md, section "Title"`` names a heading of that page (when the page exists)."""
    wrong = []
    titles: dict[str, set[str]] = {}
    for path in _source_files():
        for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for page, title in NAMED_SECTION.findall(line):
                if not (DOCS / page).is_file():
                    continue  # reported by test_cited_doc_pages_exist
                if page not in titles:
                    titles[page] = heading_titles((DOCS / page).read_text(encoding="utf-8"))
                if _normalise(title) not in titles[page]:
                    wrong.append(f"{_relative(path)}:{lineno} cites docs/{page}, section {title!r}")
    assert not wrong, "no such section:\n  " + "\n  ".join(wrong)
