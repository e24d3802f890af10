"""Languages: every student-facing message in English (the default) or Korean, through
the standard library's gettext and message catalogues.

Two kinds of text are translated:

- message templates in code, marked ``_("expected shape {expected}, got {actual}")``
  and formatted after the lookup, with named placeholders so that a translation can
  put them in its own order; ``N_`` marks a template kept in a constant (translated
  where it is used, see ``reword``). Babel extracts them;
- data: check descriptions and the misconception catalogue, written in English where
  they are declared and looked up by ``data(text)`` when they are shown, so that the
  people who write checks never touch a catalogue. ``python -m autograder messages
  --update`` (``autograder.release.messages``) collects both kinds into the catalogues.

Catalogues are ``<lang>/LC_MESSAGES/<domain>.po`` with the compiled ``.mo`` beside it
(committed, read by gettext: nothing here needs Babel): ``autograder/locale`` ships to
students (code, public descriptions, the catalogue); the hidden checks' descriptions are
in ``autograder/author/hidden/locale``, which stays with the hidden checks.

The language: ``--lang`` on the command line, else the notebook's metadata
(``{"autograder": {"lang": "ko"}}``), else ``AUTOGRADER_LANG``, else English (``choose``).
It is set per context (``language``), so a batch grades notebooks in several
languages at once, each thread in its own.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import os
import re
import string
from collections.abc import Iterable, Iterator
from pathlib import Path

DOMAIN = "autograder"
"""The shipped catalogue: messages in code, public check descriptions, misconceptions."""
HIDDEN_DOMAIN = "hidden"
"""The instructor-only catalogue: hidden checks' descriptions."""
LOCALE = Path(__file__).resolve().parent.parent / "locale"
HIDDEN_LOCALE = Path(__file__).resolve().parent.parent / "author" / "hidden" / "locale"
DEFAULT = "en"
ENV = "AUTOGRADER_LANG"

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("autograder_lang", default=None)


@functools.cache
def languages() -> tuple[str, ...]:
    """English and every language with a compiled catalogue here, e.g. ("en", "ko")."""
    found = sorted(p.parent.parent.name for p in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (DEFAULT, *(lang for lang in found if lang != DEFAULT))


def normalize(lang: object) -> str | None:
    """``lang`` as one of ``languages()`` ("ko_KR.UTF-8", "ko-KR" and "KO" are "ko"),
    or None when it is empty or not a language this copy has."""
    if not isinstance(lang, str):
        return None
    code = re.split(r"[-_.@]", lang.strip().lower(), maxsplit=1)[0]
    return code if code in languages() else None


def notebook_language(nb: object) -> str | None:
    """The language a notebook asks for in its metadata (``autograder.lang``), if any."""
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    settings = meta.get("autograder") if isinstance(meta, dict) else None
    return normalize(settings.get("lang")) if isinstance(settings, dict) else None


def choose(cli: str | None = None, notebook: str | None = None) -> str:
    """The language to use: ``cli`` (``--lang``), else ``notebook`` (its metadata), else
    ``AUTOGRADER_LANG``, else English. Values that are not a known language are passed over."""
    for lang in (cli, notebook, os.environ.get(ENV)):
        if normalize(lang):
            return normalize(lang)
    return DEFAULT


def current() -> str:
    """The language of this context (see ``language``), else ``choose()``."""
    return _current.get() or choose()


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Messages in ``lang`` inside the block (None: leave the language as it is)."""
    token = _current.set(normalize(lang) or current()) if lang else None
    try:
        yield current()
    finally:
        if token is not None:
            _current.reset(token)


@functools.cache
def _catalogue(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    folder = HIDDEN_LOCALE if domain == HIDDEN_DOMAIN else LOCALE
    return gettext.translation(domain, folder, languages=[lang], fallback=True)


@functools.cache
def _data_catalogue(lang: str) -> gettext.NullTranslations:
    found = gettext.translation(DOMAIN, LOCALE, languages=[lang], fallback=True)
    found.add_fallback(_catalogue(lang, HIDDEN_DOMAIN))  # absent in the student copy: no-op
    return found


def _(message: str) -> str:
    """The translation of a message template in code, in the current language."""
    return _catalogue(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The translation of a template whose wording depends on the number ``n``."""
    return _catalogue(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a template for the catalogue without translating it (yet)."""
    return message


def data(text: str) -> str:
    """The translation of a data string (a check description, a misconception's
    explanation or hint): the English text itself where there is none."""
    return _data_catalogue(current()).gettext(text) if text else text


def placeholders(template: str) -> set[str]:
    """The named fields of a ``str.format`` template (``{shape}``, ``{n:g}`` -> shape, n)."""
    try:
        return {field for _text, field, _spec, _conv in string.Formatter().parse(template) if field is not None}
    except ValueError:
        return set()


@functools.cache
def _pattern(template: str) -> re.Pattern:
    parts, seen = [], set()
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field:
            parts.append(f"(?P={field})" if field in seen else f"(?P<{field}>.+?)")
            seen.add(field)
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


def reword(text: str, templates: Iterable[str]) -> str:
    """``text``, written in English from one of ``templates`` by a process that does not
    translate (the sandboxed child), rewritten from that template's translation; the
    values it put in are reworded too (a reason inside a sentence). Text that none of
    them spells is returned as it is."""
    # only templates with words of their own: a value is then shorter than the text it is in
    templates = tuple(t for t in templates if any(literal for literal, *_rest in string.Formatter().parse(t)))
    if not text or current() == DEFAULT:
        return text
    for template in templates:
        match = _pattern(template).match(text)
        if match:  # the values as they were written, whatever their format spec
            values = {field: reword(value, templates) for field, value in match.groupdict().items()}
            parsed = string.Formatter().parse(_(template))
            return "".join(literal + (values[field] if field else "") for literal, field, _spec, _conv in parsed)
    return text
