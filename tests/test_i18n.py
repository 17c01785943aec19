"""The catalogues cover the code: every user-facing string has Danish, with its placeholders.
(The app's language choice: test_i18n_language.py; templates' text: test_i18n_templates.py.)

When a test here fails after you added or changed a string: run `make extract`, translate the
new entries in fieldapp/translations/da/LC_MESSAGES/messages.po (plain Danish, "du" form), and
run `make translations` to compile them for the running app.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from babel.util import pathmatch

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
TRANSLATIONS = ROOT / "fieldapp" / "translations"
DA_PO = TRANSLATIONS / "da" / "LC_MESSAGES" / "messages.po"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
TEMPLATES = ROOT / "templates"

# The Makefile's `pybabel extract -k N_ -k _l` adds these to Babel's default keywords.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "_l": None}

HOW_TO_FIX = (
    "Run `make extract`, translate the entries in fieldapp/translations/da/LC_MESSAGES/"
    "messages.po (no empty msgstr, no '#, fuzzy'), then `make translations`."
)


# --- helpers -------------------------------------------------------------------------------


def _method_map() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """babel.cfg parsed the way `pybabel extract -F babel.cfg` parses it."""
    from babel.messages import frontend

    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with BABEL_CFG.open(encoding="utf-8") as fh:
        return parse(fh)


def _extracted() -> dict[str | tuple[str, ...], list[str]]:
    """Every msgid in the code and templates (as `make extract` finds them) -> where it is."""
    method_map, options_map = _method_map()
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        if context:  # no pgettext in this app; fail loudly rather than check the wrong key
            pytest.fail(f"{filename}:{lineno}: message context is not supported here")
        if isinstance(message, (tuple, list)):
            message = tuple(message)
            if not message[0]:
                continue
        elif not message:
            continue
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def _read_catalog(path: Path):
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing. {HOW_TO_FIX}"
    with path.open("rb") as fh:
        return read_po(fh)


_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?"  # optional mapping key
    r"[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"  # flags, width, precision, length
    r"(?P<conv>[diouxXeEfFgGcrsa%])"
)


def _placeholders(text: str) -> set[str]:
    """Python %-placeholders in `text`, e.g. {'%(num)d', '%(name)s'}; '%%' is not one."""
    return {
        f"%({m['name']}){m['conv']}" if m["name"] is not None else f"%{m['conv']}"
        for m in _PLACEHOLDER.finditer(text)
        if m["conv"] != "%"
    }


def _dummy_values(msgid: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for m in _PLACEHOLDER.finditer(msgid):
        if m["name"] is not None:
            values[m["name"]] = 1 if m["conv"] in "diouxXeEfFgGc" else "x"
    return values


def _translated_pairs(message) -> list[tuple[str, str]]:
    """(source, translation) pairs: msgstr[0] goes with msgid, the other forms with the plural."""
    if message.pluralizable:
        singular, plural = message.id[0], message.id[1]
        return [
            (singular if i == 0 else plural, form) for i, form in enumerate(message.string) if form
        ]
    return [(message.id, message.string)] if message.string else []


# --- the catalogue covers the code ---------------------------------------------------------


def test_every_extracted_message_has_a_danish_translation():
    extracted = _extracted()
    assert extracted, "extraction found no messages at all; is babel.cfg right?"
    catalog = _read_catalog(DA_PO)

    problems = []
    for msgid, places in sorted(extracted.items(), key=lambda kv: str(kv[0])):
        where = ", ".join(places[:3]) + (" …" if len(places) > 3 else "")
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        entry = catalog.get(key)
        if entry is None:
            problems.append(f"  not in the catalogue: {key!r}  ({where})")
        elif entry.fuzzy:
            problems.append(f"  fuzzy: {key!r}  ({where})")
        elif isinstance(msgid, tuple) and not entry.pluralizable:
            problems.append(f"  needs plural forms (ngettext): {key!r}  ({where})")
        elif entry.pluralizable and not all(entry.string):
            problems.append(f"  a plural form is empty: {key!r}  ({where})")
        elif not entry.string:
            problems.append(f"  not translated: {key!r}  ({where})")

    assert not problems, (
        f"{len(problems)} message(s) lack a Danish translation in "
        f"{DA_PO.relative_to(ROOT)}:\n" + "\n".join(problems) + "\n" + HOW_TO_FIX
    )


def test_danish_catalogue_has_two_plural_forms_and_no_fuzzy_header():
    catalog = _read_catalog(DA_PO)
    assert str(catalog.locale) == "da"
    assert catalog.num_plurals == 2
    assert catalog.plural_expr.replace(" ", "") == "(n!=1)"
    assert not catalog.fuzzy, "the catalogue header is marked fuzzy; pybabel compile skips it"


def test_english_catalogue_exists_so_english_is_a_known_locale():
    catalog = _read_catalog(EN_PO)
    assert str(catalog.locale) == "en"
    assert not catalog.fuzzy


def test_every_template_is_covered_by_babel_cfg():
    method_map, _options = _method_map()
    uncovered = [
        str(path.relative_to(ROOT))
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file()
        and not any(
            pathmatch(pattern, path.relative_to(ROOT).as_posix()) for pattern, _ in method_map
        )
    ]
    assert not uncovered, f"babel.cfg does not extract from: {uncovered}"


# --- translations keep their placeholders --------------------------------------------------


@pytest.mark.parametrize("po_path", [DA_PO, EN_PO], ids=["da", "en"])
def test_translations_keep_the_placeholders_of_their_msgid(po_path):
    catalog = _read_catalog(po_path)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        for source, translation in _translated_pairs(message):
            want, got = _placeholders(source), _placeholders(translation)
            if want != got:
                problems.append(
                    f"  {source!r} -> {translation!r}: expected {sorted(want)}, got {sorted(got)}"
                )
            elif message.python_format and want:
                try:
                    translation % _dummy_values(source)
                except (KeyError, ValueError, TypeError) as exc:
                    problems.append(f"  {translation!r} does not format: {exc}")
    assert not problems, f"placeholders differ in {po_path.relative_to(ROOT)}:\n" + "\n".join(
        problems
    )
