"""The font files the pictures' text is drawn in: one that has a glyph for every character.

DejaVu Sans (matplotlib ships it) draws English and numbers; it has no Hangul, and
Korean labels drawn in it would be empty boxes. For such text the font is one that
matplotlib's font manager finds among ``FAMILIES``: the NanumGothic files of the
``koreanize-matplotlib`` package (a dependency, used for its font files only: it is
never imported, so matplotlib's own settings stay as they are), else one installed on
the system (Debian: fonts-nanum or fonts-noto-cjk).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

FAMILIES = ("NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", "Source Han Sans KR", "Malgun Gothic", "AppleGothic")
"""Font families with Hangul, in the order tried."""


def dejavu(bold: bool = False) -> str:
    """The file of DejaVu Sans, the font matplotlib ships."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name)


@functools.cache
def covers(path: str, text: str) -> bool:
    """True when the font file at ``path`` has a glyph for every character of ``text`` (spaces aside)."""
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(path).get_charmap()
    return all(ord(ch) in charmap for ch in text if not ch.isspace())


@functools.cache
def _registered() -> None:
    """Tell matplotlib's font manager about the fonts the ``koreanize-matplotlib`` package ships."""
    from matplotlib import font_manager

    spec = importlib.util.find_spec("koreanize_matplotlib")
    for folder in (spec and spec.submodule_search_locations) or ():
        for path in sorted(Path(folder, "fonts").glob("*.ttf")):
            font_manager.fontManager.addfont(str(path))


@functools.cache
def font_file(text: str, bold: bool = False) -> str | None:
    """The file of a font with every character of ``text``: DejaVu Sans when it has them,
    else the first of ``FAMILIES`` that matplotlib finds and that has them; None when no
    font at hand has them."""
    if covers(dejavu(bold), text):
        return dejavu(bold)
    from matplotlib import font_manager

    _registered()
    for family in FAMILIES:
        props = font_manager.FontProperties(family=family, weight="bold" if bold else "normal")
        try:
            path = font_manager.fontManager.findfont(props, fallback_to_default=False, rebuild_if_missing=False)
        except ValueError:  # not installed
            continue
        if covers(str(path), text):
            return str(path)  # a .ttc's first face: every face of a CJK collection has Hangul
    return None
