"""A report page as data, rendered to Markdown or to HTML: both formats are written from
the same blocks, and neither is parsed back into the other.

A page is a list of blocks (``Heading``, ``Paragraph``, ``Items``, ``Pre``, ``Figure``,
``Table``); the text in them is ``Text``: a string, or a tuple of strings and inline
parts (``Code``, ``Strong``, ``Mark``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """A name in code type (a function, a check, a misconception id)."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Mark:
    """A verdict shown by word and colour ("passed", "FAILED", "ERROR")."""

    text: str
    passed: bool


Inline = str | Code | Strong | Mark
Text = Inline | tuple[Inline, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    text: Text


@dataclass(frozen=True)
class Paragraph:
    text: Text


@dataclass(frozen=True)
class Pre:
    """Preformatted text (feedback messages): kept as written, wrapped on the page."""

    text: str


@dataclass(frozen=True)
class Figure:
    """A picture: a file beside the page or a ``data:`` URI; with a caption, a figure."""

    src: str
    alt: str
    caption: str | None = None
    markdown: str | None = None
    """What the Markdown page says instead of the picture (None: the picture itself)."""


@dataclass(frozen=True)
class Item:
    text: Text
    body: tuple[Block, ...] = ()
    """Blocks under the item (a message, a picture)."""


@dataclass(frozen=True)
class Items:
    """A bulleted list."""

    items: tuple[Item, ...]


@dataclass(frozen=True)
class Table:
    """A table whose first row (``header``) heads the columns and first column the rows."""

    header: tuple[Text, ...]
    rows: tuple[tuple[Text, ...], ...]


Block = Heading | Paragraph | Pre | Figure | Items | Table


def _parts(text: Text) -> tuple[Inline, ...]:
    return text if isinstance(text, tuple) else (text,)


# Markdown


def _md_inline(text: Text, in_table: bool = False) -> str:
    out = []
    for part in _parts(text):
        if isinstance(part, Code):
            out.append(f"`{part.text}`")
        elif isinstance(part, (Strong, Mark)):
            out.append(f"**{part.text}**")
        else:
            out.append(part)
    joined = "".join(out)
    return joined.replace("|", "\\|").replace("\n", " ") if in_table else joined


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * block.level + " " + _md_inline(block.text)]
    if isinstance(block, Paragraph):
        return [_md_inline(block.text)]
    if isinstance(block, Pre):
        return ["```text", *block.text.splitlines(), "```"]
    if isinstance(block, Figure):
        if block.markdown is not None:
            return [block.markdown]
        title = f' "{block.caption}"' if block.caption else ""
        return [f"![{block.alt}]({block.src}{title})"]
    if isinstance(block, Items):
        lines = []
        for item in block.items:
            lines.append(f"- {_md_inline(item.text)}")
            for inner in item.body:
                lines += [""] + ["  " + line if line else "" for line in _md_block(inner)]
        return lines
    rows = [block.header, *block.rows]
    lines = ["| " + " | ".join(_md_inline(c, True) for c in row) + " |" for row in rows]
    return [lines[0], "|" + " --- |" * len(block.header), *lines[1:]]


def markdown(blocks: list[Block]) -> str:
    """The page as Markdown."""
    return "\n\n".join("\n".join(_md_block(b)) for b in blocks) + "\n"


# HTML

STYLE = """
body { font-family: system-ui, sans-serif; line-height: 1.45; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #1f1f1f; }
pre { background: #f4f4f4; padding: .5em; white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { border: 1px solid #bbb; padding: .2em .6em; text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { background: #eee; }
.table { max-width: 100%; overflow-x: auto; }
img { max-width: 100%; height: auto; }
figure { margin: .5em 0; }
figcaption { font-size: .9em; }
ul { padding-left: 1.2em; }
li { margin: .3em 0; }
.pass { color: #116329; }
.fail { color: #a40e26; }
.pass::before { content: "\\2713\\00a0"; }
.fail::before { content: "\\2717\\00a0"; }
""".strip()
"""The pages' style: wrapped preformatted text, tables and pictures that fit the page,
pass and fail in colour and, by word and mark, without it."""


def _breakable(name: str) -> str:
    """A long name (``test_conv2d_manual_on_...``) that may break after its underscores."""
    return html.escape(name).replace("_", "_<wbr>")


def _html_inline(text: Text) -> str:
    out = []
    for part in _parts(text):
        if isinstance(part, Code):
            out.append(f"<code>{_breakable(part.text)}</code>")
        elif isinstance(part, Strong):
            out.append(f"<b>{html.escape(part.text)}</b>")
        elif isinstance(part, Mark):
            out.append(f'<strong class="{"pass" if part.passed else "fail"}">{html.escape(part.text)}</strong>')
        else:
            out.append(html.escape(part))
    return "".join(out)


def _html_block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return [f"<h{block.level}>{_html_inline(block.text)}</h{block.level}>"]
    if isinstance(block, Paragraph):
        return [f"<p>{_html_inline(block.text)}</p>"]
    if isinstance(block, Pre):
        return [f"<pre>{html.escape(block.text)}</pre>"]
    if isinstance(block, Figure):
        image = f'<img alt="{html.escape(block.alt)}" src="{html.escape(block.src)}">'
        if block.caption is None:
            return [image]
        return [f"<figure>{image}<figcaption>{html.escape(block.caption)}</figcaption></figure>"]
    if isinstance(block, Items):
        lines = ["<ul>"]
        for item in block.items:
            inner = [line for b in item.body for line in _html_block(b)]
            lines.append(f"<li>{_html_inline(item.text)}" + "".join(inner) + "</li>")
        return lines + ["</ul>"]
    head = "".join(f'<th scope="col">{_html_inline(c)}</th>' for c in block.header)
    body = [
        "<tr>"
        + "".join(
            f'<th scope="row">{_html_inline(c)}</th>' if i == 0 else f"<td>{_html_inline(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in block.rows
    ]
    return ['<div class="table"><table>', f"<thead><tr>{head}</tr></thead>", "<tbody>", *body, "</tbody></table></div>"]


def html_page(title: str, blocks: list[Block], lang: str = "en", style: str = "") -> str:
    """The page as a self-contained HTML document that wraps and fits a screen (``STYLE``,
    then ``style``)."""
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}{style}</style></head><body><main>\n"
        + "\n".join(line for b in blocks for line in _html_block(b))
        + "\n</main></body></html>\n"
    )
