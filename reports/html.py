"""``report.html``: the report's Markdown rendered as one self-contained HTML file.

The report is written once, as Markdown (:mod:`reports.markdown`); this module renders
that text with markdown-it-py (CommonMark plus GitHub tables), so the two never
disagree. Three things are added to plain rendering: local images are embedded as
base64 ``data:`` URIs, so the file can be mailed or archived alone (links to other
local files, such as run records, stay relative); headings get GitHub's anchors; and
the pandoc-style ``Table:`` line under a table becomes its caption, verdict cells
their colour.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45;
       color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 0.2rem; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
thead th { border-bottom: 2px solid #444; }
p.caption { margin-top: 0.2rem; font-size: 0.85rem; color: #444; }
img { max-width: 100%; height: auto; }
code { background: #f4f4f4; padding: 0 0.2rem; }
td.supported { color: #006400; font-weight: bold; } td.contradicted { color: #8b0000; font-weight: bold; }
td.inconclusive { color: #555; font-weight: bold; } td.practically-equivalent { color: #00508c; font-weight: bold; }
"""
_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
#: verdict words coloured in tables (a class of their own; spaces become dashes)
VERDICT_WORDS = ("supported", "contradicted", "inconclusive", "practically equivalent")
CAPTION = "Table: "


def _embed(src: str, base: Path) -> str:
    """``src`` as a ``data:`` URI if it names a local image file, else unchanged."""
    if re.match(r"^[a-z]+:", src):
        return src
    path = base / src
    if not (path.is_file() and path.suffix.lower() in _MIME):
        return src
    return f"data:{_MIME[path.suffix.lower()]};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _decorate(tokens: list[Token], base: Path) -> None:
    """Add anchors, embedded images, captions and verdict classes to the parsed tokens."""
    anchors: dict[str, int] = {}
    previous = None
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.type == "heading_open" and following is not None:
            anchor = re.sub(r"[^a-z0-9 -]", "", following.content.lower()).strip().replace(" ", "-")
            # Unique, as GitHub numbers repeated headings: the first keeps the plain anchor.
            anchors[anchor] = anchors.get(anchor, -1) + 1
            token.attrSet("id", anchor + (f"-{anchors[anchor]}" if anchors[anchor] else ""))
        elif token.type == "td_open" and following is not None and following.content in VERDICT_WORDS:
            token.attrSet("class", following.content.replace(" ", "-"))
        elif (token.type == "paragraph_open" and previous == "table_close" and following is not None
              and following.content.startswith(CAPTION) and following.children):
            token.attrSet("class", "caption")
            first = following.children[0]
            first.content = first.content.removeprefix(CAPTION)
        elif token.type == "inline":
            for child in token.children or ():
                if child.type == "image":
                    child.attrSet("src", _embed(str(child.attrGet("src")), base))
        previous = token.type


def markdown_to_html(markdown: str, base: Path, title: str = "e2ebench report") -> str:
    """Render the report's Markdown as a complete HTML document.

    Args:
        markdown: the text of ``report.md``.
        base: the folder relative links and images are resolved against (the report's folder).
        title: the document title.
    """
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(markdown)
    _decorate(tokens, Path(base))
    body = parser.renderer.render(tokens, parser.options, {})
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + body + "</body>\n</html>\n")
