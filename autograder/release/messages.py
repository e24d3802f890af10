"""The message catalogues: collect every student-facing text, merge it into the ``.po``
files keeping their translations, compile the ``.mo`` files gettext reads.

    python -m autograder messages --update   # after changing messages, checks or the catalogue
    python -m autograder messages            # exit 1, listing each message without a translation

Where the texts come from (see ``autograder.core.i18n``):

- code: Babel's Python extractor on ``autograder/**.py`` (the answer keys and hidden
  checks left out), keywords ``_``, ``N_`` and ``ngettext``: what ``pybabel extract -k N_
  autograder`` finds;
- data: every text of every check (its ``description``, and any other text a check
  carries), public and hidden, and the misconception catalogue's explanations and hints.

Which catalogue they go to: ``i18n.DOMAIN`` (``autograder/locale``, ships to students)
gets the code, the public checks' texts and the misconceptions; ``i18n.HIDDEN_DOMAIN``
(``autograder/author/hidden/locale``, stays with the hidden checks) gets the hidden
checks' texts that no public check has, so the student copy never holds them.

A translator fills in the ``msgstr`` of each entry of ``<lang>/LC_MESSAGES/<domain>.po``
and runs ``--update``, which keeps every translation, offers the old translation of a
text whose English changed as a *fuzzy* entry to review (a fuzzy entry counts as
missing, and is not compiled), drops texts no longer used, and compiles the ``.mo``.
Needs Babel (the ``dev`` extra); the compiled catalogues do not.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from .. import __version__
from ..core import i18n
from ..core.course import ASSIGNMENTS
from ..core.spec import Check
from ..judge.misconceptions import CATALOGUE, WORDING

PACKAGE = Path(__file__).resolve().parent.parent
LANGUAGES = ("ko",)
"""The translations kept (English is the source language)."""
NOT_TEXT = ("function", "name", "adapter", "args", "kwargs")
"""Check fields that are identifiers or inputs, not text for the student."""
PRIVATE_CODE = ("author/keys/**", "author/hidden/**", "author/references.py")
"""Code never extracted: what it said would ship in the student copy's catalogue."""
PROJECT = {
    "project": "cnn-course-autograder",
    "version": __version__,
    "msgid_bugs_address": "the course's issue tracker",
    "last_translator": "the course team",
    "language_team": "the course team",
}
"""The catalogues' header fields."""
HEADER = """\
# {language} messages of the CNN course's autograder ({domain}).
# Generated and merged by `python -m autograder messages --update`; translate the msgstr.
#"""


@dataclass(frozen=True)
class Entry:
    """One text to translate and where it comes from."""

    msgid: str | tuple[str, str]
    """The English text (a (singular, plural) pair for ``ngettext``)."""
    where: str
    """The file it is written in."""
    note: str = ""
    """Who uses it (a check, a misconception), for the translator."""


def code_entries() -> Iterator[Entry]:
    """The templates marked in code, as ``pybabel extract`` finds them."""
    from babel.messages.extract import extract_from_dir

    method_map = [(pattern, "ignore") for pattern in PRIVATE_CODE] + [("**.py", "python")]
    for filename, _line, msgid, comments, _context in extract_from_dir(
        PACKAGE, method_map=method_map, comment_tags=("TRANSLATORS:",)
    ):
        yield Entry(msgid, f"autograder/{filename}", " ".join(comments))


def _texts(check: Check) -> Iterator[str]:
    """The texts a check shows a student: every string field but its identifiers, and
    the strings in its mappings and tuples (hints a check may carry)."""
    for f in fields(check):
        value = getattr(check, f.name)
        if f.name in NOT_TEXT:
            continue
        values = value.values() if hasattr(value, "values") else value if isinstance(value, tuple) else [value]
        yield from (v for v in values if isinstance(v, str) and v.strip())


def data_entries() -> tuple[list[Entry], list[Entry]]:
    """(shipped, hidden): the checks' texts, the misconception catalogue and its wording
    per function."""
    shipped, hidden, public = [], [], set()
    for assignment in ASSIGNMENTS.values():
        where = f"autograder/author/public/{assignment.module}.py"
        for check in assignment.checks(hidden=False):
            for text in _texts(check):
                public.add(text)
                shipped.append(Entry(text, where, f"check {check.name}"))
    for mid, (title, hint) in CATALOGUE.items():
        shipped += [Entry(title, "autograder/judge/misconceptions.py", f"misconception {mid}: what it is")]
        shipped += [Entry(hint, "autograder/judge/misconceptions.py", f"misconception {mid}: the hint")]
    for function, table in WORDING.items():
        for mid, (title, hint) in table.items():
            where, what = "autograder/judge/misconceptions.py", f"misconception {mid} in {function}"
            shipped += [Entry(title, where, f"{what}: what it is"), Entry(hint, where, f"{what}: the hint")]
    for assignment in ASSIGNMENTS.values():
        where = f"autograder/author/hidden/{assignment.module}.py"
        for check in assignment.checks(hidden=True):
            if check.hidden:
                hidden += [
                    Entry(text, where, f"hidden check {check.name}") for text in _texts(check) if text not in public
                ]
    return shipped, hidden


def templates() -> dict[str, list[Entry]]:
    """Domain -> the entries its catalogue must translate."""
    shipped, hidden = data_entries()
    return {i18n.DOMAIN: list(code_entries()) + shipped, i18n.HIDDEN_DOMAIN: hidden}


def po_path(domain: str, lang: str) -> Path:
    folder = i18n.HIDDEN_LOCALE if domain == i18n.HIDDEN_DOMAIN else i18n.LOCALE
    return folder / lang / "LC_MESSAGES" / f"{domain}.po"


def _template(domain: str, entries: list[Entry]):
    from babel.messages.catalog import Catalog

    catalog = Catalog(domain=domain, fuzzy=False, **PROJECT)
    for entry in entries:
        key = entry.msgid if isinstance(entry.msgid, str) else entry.msgid[0]
        message = catalog.get(key)
        if message is None:
            catalog.add(entry.msgid, locations=[(entry.where, None)], auto_comments=[entry.note] if entry.note else [])
        else:
            if (entry.where, None) not in message.locations:
                message.locations.append((entry.where, None))
            if entry.note and entry.note not in message.auto_comments:
                message.auto_comments.append(entry.note)
    return catalog


def read(domain: str, lang: str):
    """The catalogue as its ``.po`` says (an empty one when there is none yet)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = po_path(domain, lang)
    if not path.exists():
        catalog = Catalog(locale=lang, domain=domain, fuzzy=False, **PROJECT)
        catalog.header_comment = HEADER.format(language=lang, domain=domain)
        return catalog
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=domain)


def _po_bytes(catalog) -> bytes:
    from babel.messages.pofile import write_po

    buf = io.BytesIO()
    write_po(buf, catalog, width=100, ignore_obsolete=True, include_previous=True, include_lineno=False)
    return buf.getvalue()


def _mo_bytes(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def merge(lang: str, wanted: dict[str, list[Entry]] | None = None) -> list[Path]:
    """Merge the current texts (``wanted``, default ``templates()``) into ``lang``'s
    catalogues and compile them; the files written (the revision date changes only
    with the content)."""
    written = []
    for domain, entries in (wanted or templates()).items():
        catalog = read(domain, lang)
        catalog.update(_template(domain, entries), update_creation_date=False)
        path = po_path(domain, lang)
        old = path.read_bytes() if path.exists() else b""
        if _po_bytes(catalog) != old:
            catalog.revision_date = datetime.datetime.now(datetime.timezone.utc)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_po_bytes(catalog))
            written.append(path)
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != _mo_bytes(catalog):
            mo.write_bytes(_mo_bytes(catalog))
            written.append(mo)
    return written


def problems(lang: str, wanted: dict[str, list[Entry]] | None = None) -> list[str]:
    """What is wrong with ``lang``'s catalogues for the texts ``wanted`` (default
    ``templates()``): a text with no translation (or only a fuzzy one), a translation
    whose placeholders differ from the English, a ``.po`` behind the code and checks, a
    ``.mo`` not compiled from its ``.po``."""
    found = []
    for domain, entries in (wanted or templates()).items():
        catalog, path = read(domain, lang), po_path(domain, lang)
        for entry in {e.msgid: e for e in reversed(entries)}.values():  # each text once, at its first use
            key = entry.msgid if isinstance(entry.msgid, str) else entry.msgid[0]
            message = catalog.get(key)
            strings = [] if message is None else message.string
            strings = [strings] if isinstance(strings, str) else list(strings)
            where = f"{path.relative_to(PACKAGE.parent)}: {entry.where} ({entry.note or 'code'})"
            if message is None:
                found.append(f"{where}: not in the catalogue (run `python -m autograder messages --update`): {key!r}")
            elif message.fuzzy or not all(s.strip() for s in strings) or not strings:
                found.append(f"{where}: no translation{' (fuzzy)' if message.fuzzy else ''}: {key!r}")
            elif any(i18n.placeholders(s) != i18n.placeholders(key) for s in strings):
                found.append(f"{where}: the translation's placeholders differ from {sorted(i18n.placeholders(key))}")
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != _mo_bytes(catalog):
            found.append(f"{mo.relative_to(PACKAGE.parent)}: not compiled from its .po (run messages --update)")
    return found


def main(update: bool = False) -> int:
    """``update``: merge and compile; then (always) list what lacks a translation;
    1 when something does."""
    wanted = templates()
    for lang in LANGUAGES:
        for path in merge(lang, wanted) if update else []:
            print(f"wrote {path.relative_to(PACKAGE.parent)}")
    found = [line for lang in LANGUAGES for line in problems(lang, wanted)]
    for line in found:
        print(line)
    sizes = ", ".join(f"{domain} {len({e.msgid for e in entries})}" for domain, entries in wanted.items())
    print(f"{len(found)} problem(s) in {', '.join(LANGUAGES)}; texts per catalogue: {sizes}")
    return 1 if found else 0
