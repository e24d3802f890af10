"""Pictures of a wrong image-shaped answer: expected, got and their difference.

Drawn from a check result's ``Excerpt`` (one feature map, at most 12 x 12, around the
first difference) as three small heatmaps side by side, in PNG, embedded as data URIs
so that a page works offline. Readable without colour: each panel is labelled, the
first difference is ringed on all three, every differing cell is crossed on the
difference, small windows print their values, and the caption says the coordinates
and the values in words. The colours are matplotlib's (viridis for the values, a
diverging red-blue for the difference), the drawing is Pillow's (matplotlib's own
imaging library): a few milliseconds a picture where matplotlib's text layout takes a
tenth of a second, and nothing of pyplot's state is touched in a student's kernel. The
panels' titles are in the feedback's language, in a font that has their glyphs
(``autograder.report.fonts``: DejaVu Sans, or a Hangul font for Korean); where no font
at hand has them, in English.

Visibility follows ``autograder.report.report_text``: a hidden check's picture only
where its details are shown (``show_hidden``, grades published).
"""

from __future__ import annotations

import base64
import functools
import html
import io
from collections.abc import Iterable

import numpy as np

from ..core.excerpts import Excerpt
from ..core.i18n import _
from ..core.results import CheckResult
from . import fonts

VALUES_UP_TO = 16
"""Maps of at most this many cells in the window print each cell's value."""


def shown(result: CheckResult, show_hidden: bool = False) -> bool:
    """True when ``result`` has a picture to show under the visibility policy."""
    return result.excerpt is not None and not result.passed and (show_hidden or not result.hidden)


def _cells(excerpt: Excerpt) -> str:
    rows, cols = len(excerpt.expected), len(excerpt.expected[0].split())
    if (rows, cols) == excerpt.map_shape:
        return _("the whole {rows} x {cols} map").format(rows=rows, cols=cols)
    return _("rows {top}-{bottom} and columns {left}-{right} of the {height} x {width} map").format(
        top=excerpt.top,
        bottom=excerpt.top + rows - 1,
        left=excerpt.left,
        right=excerpt.left + cols - 1,
        height=excerpt.map_shape[0],
        width=excerpt.map_shape[1],
    )


def caption(excerpt: Excerpt) -> str:
    """The picture in words (current language): which map and window, where the first
    difference is, its values."""
    expected, got, differs = excerpt.arrays()
    row, col = excerpt.cell
    r, c = row - excerpt.top, col - excerpt.left
    return _(
        "Expected, got and difference (got - expected){of}, {cells} of the answer of shape {shape}. "
        "First difference (outlined) at row {row}, column {col} (index [{index}]): expected {expected}, "
        "got {got}. {differ} of {shown} values shown differ (crossed on the difference)."
    ).format(
        of=_of(excerpt),
        cells=_cells(excerpt),
        shape=excerpt.shape,
        row=row,
        col=col,
        index=", ".join(map(str, excerpt.first)),
        expected=f"{expected[r, c]:.6g}",
        got=f"{got[r, c]:.6g}",
        differ=int(differs.sum()),
        shown=differs.size,
    )


def _of(excerpt: Excerpt) -> str:
    return _(" of {where}").format(where=excerpt.where) if excerpt.where else ""


def alt_text(excerpt: Excerpt) -> str:
    """A short alternative text (current language); ``caption`` gives the numbers."""
    row, col = excerpt.cell
    return _(
        "Three heatmaps{of}: expected, got, and their difference; the first difference, at row {row}, "
        "column {col}, is outlined."
    ).format(of=_of(excerpt), row=row, col=col)


_GAP, _BAR, _LEFT, _TOP, _BOTTOM, _SCALE = 14, 9, 26, 22, 18, 46
"""Pixels: between panels, colour bar width, row numbers, titles, column numbers, scale labels."""


def _colours(name: str, values: np.ndarray, low: float, high: float) -> np.ndarray:
    """RGB in 0..1 of ``values`` on colormap ``name`` from ``low`` to ``high``; grey where not finite."""
    from matplotlib import colormaps

    span = high - low or 1.0
    with np.errstate(invalid="ignore"):
        scaled = np.clip((values - low) / span, 0.0, 1.0)
    rgb = colormaps[name](np.nan_to_num(scaled))[..., :3]
    rgb[~np.isfinite(values)] = 0.73
    return rgb


_RING = 4
"""Pixels of the ring around the first difference, drawn just outside its cell: 3
black between 1 white on either side, so it shows on dark and light cells alike."""


def _pixels(rgb: np.ndarray, size: int, first: tuple[int, int], crossed: np.ndarray | None, corner: bool) -> np.ndarray:
    """The panel at ``size`` pixels a cell, with a white margin of ``_RING`` pixels:
    white lines between cells, the first difference ringed in black, ``crossed`` cells
    marked with an X (in the top right ``corner``, where the cell prints its value)."""
    cells = np.repeat(np.repeat(rgb, size, axis=0), size, axis=1)
    cells[::size, :] = cells[:, ::size] = 1.0
    if crossed is not None:
        m = size // 4 if corner else size // 2
        r0, c0 = (4, size - 5 - m) if corner else (size // 4, size // 4)
        t = np.arange(m)
        for i, j in zip(*np.nonzero(crossed)):
            cell = cells[i * size : (i + 1) * size, j * size : (j + 1) * size]
            for d in (-1, 1, 0):  # a white halo, then black
                down = np.clip(r0 + t + d, 0, size - 1)
                cell[down, c0 + t] = cell[down, c0 + m - 1 - t] = float(d != 0)
    image = np.pad(cells, ((_RING, _RING), (_RING, _RING), (0, 0)), constant_values=1.0)
    r, c = first[0] * size, first[1] * size  # the ring's top left: the cell's, less _RING, in the margin
    ring = image[r : r + size + 2 * _RING + 1, c : c + size + 2 * _RING + 1]
    ring[:_RING], ring[-_RING:], ring[:, :_RING], ring[:, -_RING:] = 0.0, 0.0, 0.0, 0.0
    ring[0], ring[-1], ring[:, 0], ring[:, -1] = 1.0, 1.0, 1.0, 1.0
    return image


def _text_colour(rgb: np.ndarray) -> str:
    return "black" if float(rgb @ np.array([0.299, 0.587, 0.114])) > 0.5 else "white"


ENGLISH_TITLES = ("expected", "got", "difference")


def titles() -> tuple[tuple[str, str, str], str]:
    """The three panels' titles in the current language, and the file of the bold font
    that draws them; in English (DejaVu Sans) when no font at hand has their glyphs."""
    translated = (_("expected"), _("got"), _("difference"))
    path = fonts.font_file("".join(translated), bold=True)
    return (translated, path) if path else (ENGLISH_TITLES, fonts.dejavu(bold=True))


@functools.cache
def _font(path: str, size: int):
    """The font in file ``path`` at ``size`` pixels."""
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


def _image(excerpt: Excerpt):
    """Three labelled panels (expected, got, difference), each with its numbers, and
    the colour scales, placed pixel by pixel."""
    from PIL import Image, ImageDraw

    expected, got, differs = excerpt.arrays()
    rows, cols = expected.shape
    with np.errstate(invalid="ignore"):
        difference = got - expected
    values = rows * cols <= VALUES_UP_TO
    size = 38 if values else 20 if max(rows, cols) <= 8 else 16  # pixels a cell
    width, height = cols * size, rows * size
    slot = max(width, 64)  # room for the panel's title
    both = np.concatenate([expected[np.isfinite(expected)], got[np.isfinite(got)]])
    low, high = (float(both.min()), float(both.max())) if both.size else (0.0, 1.0)
    finite = np.abs(difference[np.isfinite(difference)])
    spread = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    (expected_title, got_title, difference_title), title_font = titles()
    panels = [
        (expected_title, expected, _colours("viridis", expected, low, high), None),
        (got_title, got, _colours("viridis", got, low, high), (low, high, "viridis")),
        (difference_title, difference, _colours("RdBu_r", difference, -spread, spread), (-spread, spread, "RdBu_r")),
    ]
    scales = _GAP + _BAR + _SCALE
    canvas = Image.new("RGB", (_LEFT + 3 * slot + 2 * _GAP + 2 * scales - _GAP + 4, _TOP + height + _BOTTOM), "white")
    draw = ImageDraw.Draw(canvas)
    small, bold = _font(fonts.dejavu(), 10), _font(title_font, 12)
    row, col = excerpt.cell
    first = (row - excerpt.top, col - excerpt.left)
    row_step, col_step = (1 if n <= 8 else 2 for n in (rows, cols))

    def paste(rgb: np.ndarray, x: int, y: int) -> None:
        canvas.paste(Image.fromarray(np.round(rgb * 255).astype(np.uint8), "RGB"), (x, y))

    x = _LEFT
    for title, numbers, rgb, scale in panels:
        left = x + (slot - width) // 2
        if title == expected_title:
            for i in range(0, rows, row_step):
                draw.text((left - _LEFT / 2, _TOP + (i + 0.5) * size), str(excerpt.top + i), "black", small, "mm")
        crossed = differs if title == difference_title else None
        paste(_pixels(rgb, size, first, crossed, values), left - _RING, _TOP - _RING)
        draw.text((left + width / 2, _TOP / 2), title, "black", bold, "mm")
        for j in range(0, cols, col_step):
            where = (left + (j + 0.5) * size, _TOP + height + _BOTTOM / 2)
            draw.text(where, str(excerpt.left + j), "black", small, "mm")
        printed = values & (differs if crossed is not None else True)
        for i, j in zip(*np.nonzero(~np.isfinite(numbers) | printed)):
            value = numbers[i, j]
            words = f"{value:.3g}" if np.isfinite(value) else str(value)
            low_in_the_cell = 0.62 if crossed is not None and crossed[i, j] else 0.5  # below the X
            where = (left + (j + 0.5) * size, _TOP + (i + low_in_the_cell) * size)
            draw.text(where, words, _text_colour(rgb[i, j]), small, "mm")
        x += slot + _GAP
        if scale is not None:
            bottom, top, name = scale
            ramp = np.linspace(top, bottom, height)[:, None].repeat(_BAR, axis=1)
            paste(_colours(name, ramp, bottom, top), x, _TOP)
            draw.text((x + _BAR + 3, _TOP + 4), f"{top:.3g}", "black", small, "lm")
            draw.text((x + _BAR + 3, _TOP + height - 4), f"{bottom:.3g}", "black", small, "lm")
            x += _BAR + _SCALE + _GAP
    return canvas


def png(excerpt: Excerpt) -> bytes:
    """The three heatmaps as a PNG."""
    buf = io.BytesIO()
    _image(excerpt).save(buf, format="PNG")
    return buf.getvalue()


def data_uri(excerpt: Excerpt) -> str:
    return "data:image/png;base64," + base64.b64encode(png(excerpt)).decode("ascii")


def figure_html(excerpt: Excerpt) -> str:
    """A self-contained ``<figure>``: the picture with its alternative text and caption."""
    return (
        f'<figure><img alt="{html.escape(alt_text(excerpt))}" src="{data_uri(excerpt)}">'
        f"<figcaption>{html.escape(caption(excerpt))}</figcaption></figure>"
    )


def _in_a_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def bundles(results: Iterable[CheckResult], show_hidden: bool = False) -> list[dict[str, str]]:
    """One display bundle per failed image-shaped answer (under the visibility policy):
    the named picture as HTML, its caption as the plain-text form (current language)."""
    return [
        {
            "text/html": f"<p><strong>{html.escape(r.name)}</strong></p>{figure_html(r.excerpt)}",
            "text/plain": f"{r.name}: {caption(r.excerpt)}",
        }
        for r in results
        if shown(r, show_hidden)
    ]


def show(results: Iterable[CheckResult], show_hidden: bool = False) -> int:
    """In a notebook's kernel, display ``bundles``; elsewhere nothing (the text report
    says it in words). Returns how many were displayed."""
    if not _in_a_kernel():
        return 0
    from IPython.display import display

    shown_now = bundles(results, show_hidden)
    for bundle in shown_now:
        display(bundle, raw=True)
    return len(shown_now)
