"""Translations: every user-facing string has Danish, and templates hold no hard-coded text.

When a test here fails after you added or changed a string: run `make extract`, translate the
new entries in fieldapp/translations/da/LC_MESSAGES/messages.po (plain Danish, "du" form), and
run `make translations` to compile them for the running app.
"""

from __future__ import annotations

import os
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.util import pathmatch
from jinja2 import Environment

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


# --- the app speaks Danish, and English on request ------------------------------------------


@pytest.fixture(scope="session")
def compiled_catalogues():
    """Compile every .po to the .mo next to it (git-ignored), so no stale .mo is tested."""
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        mo_path = po_path.with_suffix(".mo")
        fd, tmp = tempfile.mkstemp(dir=po_path.parent, prefix=".messages-", suffix=".mo")
        try:
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog)
            os.replace(tmp, mo_path)  # atomic: a concurrent reader never sees half a file
        except BaseException:
            os.unlink(tmp)
            raise


@pytest.fixture
def i18n_client(compiled_catalogues, client):
    """The test client, with Flask-Babel's per-process cache of loaded catalogues emptied."""
    from fieldapp.extensions import babel

    babel.domain_instance.cache.clear()
    yield client
    babel.domain_instance.cache.clear()


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, "no <html lang> on the page"
    return match.group(1)


def _request(client, method: str, path: str, **kwargs):
    """One request as a browser makes it. The `app` fixture keeps one app context (and so one
    `g`) for the whole test, where Flask-Babel caches the locale of the first request; forget
    it, as a new request in production would."""
    import flask_babel

    flask_babel.refresh()
    return client.open(path, method=method, **kwargs)


def _page(client, path: str, accept_language: str | None = None) -> str:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = _request(client, "GET", path, headers=headers)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _choose_language(client, lang: str, next_path: str, accept_language: str):
    return _request(
        client,
        "POST",
        "/language",
        data={"lang": lang, "next": next_path},
        headers={"Accept-Language": accept_language},
    )


def test_front_page_is_danish_by_default(i18n_client):
    html = _page(i18n_client, "/")
    assert _lang(html) == "da"
    assert "Skal du være med på en vandring?" in html
    assert ">Log ind<" in html
    assert "Taking part in a walk?" not in html
    # The switch offers the other language, labelled in that language.
    assert 'lang="en">English<' in html


def test_front_page_is_danish_for_a_danish_browser(i18n_client):
    html = _page(i18n_client, "/", "da-DK,da;q=0.9,en;q=0.5")
    assert _lang(html) == "da"
    assert ">Log ind<" in html


def test_front_page_is_english_for_an_english_browser(i18n_client):
    html = _page(i18n_client, "/", "en-GB,en;q=0.9")
    assert _lang(html) == "en"
    assert "Taking part in a walk?" in html
    assert ">Log in<" in html
    assert "Skal du være med på en vandring?" not in html
    assert 'lang="da">Dansk<' in html


def test_language_switch_wins_over_the_browser_and_is_remembered(i18n_client):
    danish_browser = "da-DK,da;q=0.9"

    response = _choose_language(i18n_client, "en", "/login", danish_browser)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert "Expires=" in response.headers.get("Set-Cookie", ""), (
        "the choice should outlive the browser session"
    )

    for path in ("/login", "/", "/login"):
        html = _page(i18n_client, path, danish_browser)
        assert _lang(html) == "en", path
    assert ">Password<" in html
    assert "Adgangskode" not in html

    # And back to Danish, even from an English browser.
    _choose_language(i18n_client, "da", "/", "en")
    for path in ("/", "/login"):
        html = _page(i18n_client, path, "en")
        assert _lang(html) == "da", path
    assert ">Adgangskode<" in html


def test_an_unknown_language_is_ignored(i18n_client):
    _choose_language(i18n_client, "xx", "/", "da")
    html = _page(i18n_client, "/")
    assert _lang(html) == "da"


# --- templates hold no hard-coded text -----------------------------------------------------

# Words that are the same in every language: the product name, the language switch (each
# language named in itself), map attribution and the metre symbol after a GPS accuracy.
ALLOWED_WORDS = {"fieldapp", "English", "Dansk", "OpenStreetMap", "m"}

# Attributes people read or hear (screen readers): their values must be translated too.
TEXT_ATTRIBUTES = {
    "alt",
    "title",
    "placeholder",
    "label",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-placeholder",
    "aria-valuetext",
}
# data-* attributes that carry messages for scripts, e.g. data-msg-found, data-confirm.
TEXT_DATA_ATTRIBUTE = re.compile(r"^data-(?:.*-)?(?:msg|message|confirm|warning|text|label)")
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}

_WORD = re.compile(r"[^\W\d_]+")


def _template_skeleton(source: str, attribute_blocks: frozenset[str] = frozenset()):
    """The template's literal text, with every Jinja tag, expression and comment replaced by a
    space (line numbers kept) and the text of {% trans %} blocks dropped (Babel extracts it).

    Also returns the names of the blocks that open inside an HTML tag, e.g.
    `<body class="{% block body_class %}{% endblock %}">`: what a child template puts there is
    an attribute value, not text, so pass those names back as `attribute_blocks`.
    """
    # Only the lexer is used; nothing is rendered, so autoescaping does not matter.
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    parts: list[str] = []
    lines = 1
    in_trans = False
    block_stack: list[str] = []
    in_tag_blocks: set[str] = set()
    tag_name: str | None = None  # the name right after "{%", once read
    expect_tag_name = False
    for lineno, token, value in env.lex(source):
        if token == "block_begin":
            expect_tag_name = True
            parts.append(" ")
            continue
        if token == "name" and expect_tag_name:
            expect_tag_name = False
            tag_name = value
            if value == "trans":
                in_trans = True
            elif value == "endtrans":
                in_trans = False
            elif value == "endblock" and block_stack:
                block_stack.pop()
            continue
        if token == "name" and tag_name == "block":
            tag_name = None
            block_stack.append(value)
            text = "".join(parts)
            if text.rfind("<") > text.rfind(">"):
                in_tag_blocks.add(value)
            continue
        if token == "block_end":
            tag_name = None
        if token == "data":
            if in_trans or (block_stack and block_stack[-1] in attribute_blocks):
                continue
            if lineno > lines:
                parts.append("\n" * (lineno - lines))
                lines = lineno
            parts.append(value)
            lines += value.count("\n")
        elif token in ("variable_begin", "comment_begin", "raw_begin"):
            parts.append(" ")
    return "".join(parts), frozenset(in_tag_blocks)


class _VisibleText(HTMLParser):
    """Collects (line, text) for text nodes and readable attribute values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        attrs = {name: value or "" for name, value in attrs}
        for name, value in attrs.items():
            if name in TEXT_ATTRIBUTES or TEXT_DATA_ATTRIBUTE.match(name):
                self.found.append((self.getpos()[0], value))
        if tag == "input" and attrs.get("type", "").lower() in BUTTON_INPUT_TYPES:
            self.found.append((self.getpos()[0], attrs.get("value", "")))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._skip:
            return
        # A text node can span many lines of template tags; report each line on its own.
        first_line = self.getpos()[0]
        for offset, text in enumerate(data.split("\n")):
            self.found.append((first_line + offset, text))


def _attribute_blocks() -> frozenset[str]:
    """Blocks that some template opens inside an HTML tag (see _template_skeleton)."""
    names: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        names |= _template_skeleton(path.read_text(encoding="utf-8"))[1]
    return frozenset(names)


def _hard_coded_text(source: str, attribute_blocks: frozenset[str] = frozenset()):
    skeleton, _in_tag = _template_skeleton(source, attribute_blocks)
    parser = _VisibleText()
    parser.feed(skeleton)
    parser.close()
    return [
        (line, " ".join(text.split()))
        for line, text in parser.found
        if set(_WORD.findall(text)) - ALLOWED_WORDS
    ]


def test_the_scan_finds_hard_coded_text():
    """The heuristic below catches the usual mistakes and lets translated text through."""
    bad = (
        "{% extends 'base.html' %}\n<h1>Welcome</h1>\n"
        '<img src="x.png" alt="A map">\n<p>{{ n }} items</p>\n'
        '<button data-confirm="Sure?">{{ _("Delete") }}</button>\n'
    )
    assert [line for line, _text in _hard_coded_text(bad)] == [2, 3, 4, 5]
    good = (
        "{# Comments are fine #}\n<h1>{{ _('Welcome') }}</h1>\n"
        '<img src="x.png" alt="{{ _(\'A map\') }}">\n'
        "<p>{% trans n=n %}{{ n }} items{% endtrans %}</p>\n"
        "<script>var words = 'not shown';</script>\n"
        "<span>fieldapp</span> · <b>{{ walk.title }}</b> ±{{ acc }} m &copy;\n"
    )
    assert _hard_coded_text(good) == []
    # A block that the base template opens inside a tag holds an attribute value, not text.
    base = '<body class="{% block body_class %}{% endblock %}">{% block content %}{% endblock %}'
    assert _template_skeleton(base)[1] == {"body_class"}
    child = "{% extends 'base.html' %}{% block body_class %}wide{% endblock %}"
    assert _hard_coded_text(child) == [(1, "wide")]
    assert _hard_coded_text(child, frozenset({"body_class"})) == []


def test_templates_have_no_text_outside_translation_calls():
    attribute_blocks = _attribute_blocks()
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for line, text in _hard_coded_text(source, attribute_blocks):
            problems.append(f"  {path.relative_to(ROOT)}:{line}: {text!r}")
    assert not problems, (
        'Text in templates must be wrapped for translation, e.g. {{ _("Save") }}:\n'
        + "\n".join(problems)
        + "\nThen: "
        + HOW_TO_FIX
    )
