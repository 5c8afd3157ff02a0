"""``report.html``: the report's Markdown rendered as one self-contained HTML file.

The report is written once, as Markdown (:mod:`reports.markdown`); this module renders
that text, so the two never disagree. It understands exactly the Markdown the report
writes: ``#`` headings, pipe tables with a ``Table:`` caption line, ``-`` lists (one
level of nesting), images, links, ``code``, ``**strong**``, ``*emphasis*`` and
paragraphs. Local images are embedded as base64 ``data:`` URIs, so the file can be
mailed or archived alone; links to other local files (run records) stay relative.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45;
       color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 0.2rem; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
thead th { border-bottom: 2px solid #444; }
caption { caption-side: bottom; text-align: left; font-size: 0.85rem; color: #444; padding-top: 0.3rem; }
img { max-width: 100%; height: auto; }
code { background: #f4f4f4; padding: 0 0.2rem; }
td.supported { color: #006400; font-weight: bold; } td.contradicted { color: #8b0000; font-weight: bold; }
td.inconclusive { color: #555; font-weight: bold; }
"""
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]+)\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])")
_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
VERDICT_WORDS = ("supported", "contradicted", "inconclusive")


def _inline(text: str, base: Path) -> str:
    """Escape ``text`` and render its images, links and code spans."""
    parts, last = [], 0
    for match in _IMAGE.finditer(text):
        parts.append(_links_and_code(text[last:match.start()]))
        parts.append(_image(match.group(1), match.group(2), base))
        last = match.end()
    parts.append(_links_and_code(text[last:]))
    return "".join(parts)


def _links_and_code(text: str) -> str:
    parts, last = [], 0
    for match in _LINK.finditer(text):
        parts.append(_code(text[last:match.start()]))
        parts.append(f'<a href="{html.escape(match.group(2), quote=True)}">{_code(match.group(1))}</a>')
        last = match.end()
    parts.append(_code(text[last:]))
    return "".join(parts)


def _code(text: str) -> str:
    def plain(chunk: str) -> str:
        text = html.escape(chunk.replace("\\|", "|"), quote=False)
        return _EMPHASIS.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", text))

    parts, last = [], 0
    for match in _CODE.finditer(text):
        parts.append(plain(text[last:match.start()]))
        parts.append(f"<code>{plain(match.group(1))}</code>")
        last = match.end()
    parts.append(plain(text[last:]))
    return "".join(parts)


def _image(alt: str, src: str, base: Path) -> str:
    path = (base / src) if not re.match(r"^[a-z]+:", src) else None
    if path is not None and path.is_file() and path.suffix.lower() in _MIME:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        src = f"data:{_MIME[path.suffix.lower()]};base64,{data}"
    return f'<img alt="{html.escape(alt, quote=True)}" src="{src}">'


def _cells(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def _table(lines: list[str], caption: str | None, base: Path) -> str:
    header, rule, body = _cells(lines[0]), _cells(lines[1]), [_cells(line) for line in lines[2:]]
    align = ["right" if r.endswith(":") and not r.startswith(":") else "left" for r in rule]
    out = ["<table>"]
    if caption is not None:
        out.append(f"<caption>{_inline(caption, base)}</caption>")
    out.append("<thead><tr>" + "".join(f'<th style="text-align:{a}">{_inline(h, base)}</th>'
                                       for h, a in zip(header, align, strict=False)) + "</tr></thead><tbody>")
    for row in body:
        cells = []
        for cell, a in zip(row, align, strict=False):
            css = f' class="{cell}"' if cell in VERDICT_WORDS else ""
            cells.append(f'<td{css} style="text-align:{a}">{_inline(cell, base)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def markdown_to_html(markdown: str, base: Path, title: str = "e2ebench report") -> str:
    """Render the report's Markdown as a complete HTML document.

    Args:
        markdown: the text of ``report.md``.
        base: the folder relative links and images are resolved against (the report's folder).
        title: the document title.
    """
    lines = markdown.splitlines()
    body: list[str] = []
    paragraph: list[str] = []
    list_depth = 0
    anchors: dict[str, int] = {}

    def close_paragraph() -> None:
        if paragraph:
            body.append(f"<p>{_inline(' '.join(paragraph), base)}</p>")
            paragraph.clear()

    def close_lists(depth: int = 0) -> None:
        nonlocal list_depth
        while list_depth > depth:
            body.append("</ul>")
            list_depth -= 1

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("|") and i + 1 < len(lines) and re.match(r"^\|[\s:|-]+\|$", lines[i + 1].strip()):
            close_paragraph()
            close_lists()
            block = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                block.append(lines[i])
                i += 1
            caption = None
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and lines[j].startswith("Table: "):
                caption, i = lines[j][len("Table: "):], j + 1
            body.append(_table(block, caption, base))
            continue
        heading = re.match(r"^(#{1,6}) (.*)$", line)
        item = re.match(r"^( *)- (.*)$", line)
        if heading:
            close_paragraph()
            close_lists()
            level, text = len(heading.group(1)), heading.group(2)
            anchor = re.sub(r"[^a-z0-9 -]", "", text.lower()).strip().replace(" ", "-")
            # Unique, as GitHub numbers repeated headings: the first keeps the plain anchor.
            anchors[anchor] = anchors.get(anchor, -1) + 1
            anchor += f"-{anchors[anchor]}" if anchors[anchor] else ""
            body.append(f'<h{level} id="{anchor}">{_inline(text, base)}</h{level}>')
        elif item:
            close_paragraph()
            depth = len(item.group(1)) // 2 + 1
            while list_depth < depth:
                body.append("<ul>")
                list_depth += 1
            close_lists(depth)
            body.append(f"<li>{_inline(item.group(2), base)}</li>")
        elif not stripped:
            close_paragraph()
            close_lists()
        else:
            close_lists()
            paragraph.append(stripped)
        i += 1
    close_paragraph()
    close_lists()
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
