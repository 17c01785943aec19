"""Templates hold no hard-coded text: every word people read or hear, in text and in the
attributes screen readers announce, goes through a translation call (tests/test_i18n.py checks
that each of those has Danish)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

HOW_TO_FIX = (
    "Run `make extract`, translate the entries in fieldapp/translations/da/LC_MESSAGES/"
    "messages.po (no empty msgstr, no '#, fuzzy'), then `make translations`."
)


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
