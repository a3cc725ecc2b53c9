"""Text markup both ways: Markdown bodies to HTML, and HTML back to Markdown-ish text.

Export renders a body with markdown-it (raw HTML escaped, never passed through) and a
summary as a paragraph of class ``chronicle-summary``; import turns HTML into the
Markdown a person would have written for it (paragraphs, line breaks, bold, italics,
links, lists) and finds that summary paragraph again.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

SUMMARY_CLASS = "chronicle-summary"

# -- Markdown to HTML ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # Raw HTML in a body is escaped, never passed through: the timeline may be published.
    return MarkdownIt("commonmark", {"html": False})


# Characters and line starts that make text more than plain paragraphs in CommonMark.
_MARKUP_CHARS = re.compile(r"[\\`*_\[\]<>&~]")
_BLOCK_START = re.compile(r"^(?:[-+*>#=~]|\d{1,9}[.)])", re.MULTILINE)


def body_html(markdown: str) -> str:
    """A Markdown body as HTML, exactly as markdown-it renders it.

    Most bodies are plain paragraphs; those are written directly, which is many times
    faster than markdown-it (a test checks the two agree).
    """
    paragraphs = plain_paragraphs(markdown)
    if paragraphs is None:
        return str(_markdown().render(markdown)).strip()
    return "\n".join("<p>" + text.replace('"', "&quot;") + "</p>" for text in paragraphs)


def plain_paragraphs(markdown: str) -> list[str] | None:
    """The paragraphs of text that holds no Markdown syntax at all, else None."""
    if _MARKUP_CHARS.search(markdown) or _BLOCK_START.search(markdown):
        return None
    paragraphs: list[str] = []
    current: list[str] = []
    for line in markdown.split("\n"):
        if line and (line != line.strip() or not line.isprintable()):
            return None
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def summary_html(summary: str) -> str:
    lines = (html.escape(line.strip(), quote=False) for line in summary.strip().split("\n"))
    return f'<p class="{SUMMARY_CLASS}">' + "<br>".join(lines) + "</p>"


_EMBED_URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


_WEB_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


def is_web_url(url: str | None) -> bool:
    """True for an http(s) URL: the only kind given to a browser to load or open.

    ``javascript:``, ``data:``, ``file:`` and every other scheme are refused, and so is
    any URL holding whitespace or control characters (browsers drop those, so
    ``java\tscript:`` would run).
    """
    return bool(url) and _WEB_URL.fullmatch(url or "") is not None


def media_url(value: object) -> str | None:
    """A usable URL from a media ``url`` (which may be an embed code or protocol-relative)."""
    text = ("" if value is None else value if isinstance(value, str) else str(value)).strip()
    if not text:
        return None
    if text.startswith("<"):
        match = _EMBED_URL.search(text)
        if not match:
            return None
        text = html.unescape(match.group(1)).strip()
    if text.startswith("//"):
        text = "https:" + text
    return text


# -- HTML to Markdown-ish text -------------------------------------------------------------

_BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "figure",
    "figcaption", "table", "address", "details", "dl", "dt", "dd", "hr", "center", "form",
}
_SKIP = {"script", "style", "head", "title", "template", "noscript"}
_INLINE_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`", "s": "~~",
                 "del": "~~", "strike": "~~"}
_PARAGRAPH = "\n\n"
_INDENT = "\x00"
_WHITESPACE = re.compile(r"\s+")
_SPACES = re.compile(r"[^\S\n]+")


class _TextMaker(HTMLParser):
    """Turns HTML into the Markdown a person would have written for it."""

    def __init__(self, *, inline: bool, summary_class: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.inline = inline
        self.summary_class = summary_class
        self.summary: list[str] | None = None
        self.main: list[str] = []
        self.stack: list[list[str]] = [self.main]  # blockquotes nest their own text
        self.skipping = 0
        self.pre = 0
        self.protected: list[str] = []
        self.lists: list[list[Any]] = []  # [kind, next number]
        self.links: list[tuple[str | None, str, int]] = []

    @property
    def out(self) -> list[str]:
        return self.stack[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
            return
        attributes = dict(attrs)
        if self.inline:
            if tag in _BLOCKS or tag in ("br", "li", "tr") or tag.startswith("h"):
                self.out.append(" ")
            return
        if (
            tag == "p"
            and self.summary is None
            and self.summary_class
            and self.summary_class in (attributes.get("class") or "").split()
            and not "".join(self.main).strip()
        ):
            self.summary = []
            self.stack.append(self.summary)
            return
        if tag in _BLOCKS:
            self.out.append(_PARAGRAPH)
        elif tag == "br":
            self.out.append("\n")
        elif re.fullmatch(r"h[1-6]", tag):
            self.out.append(_PARAGRAPH + "#" * int(tag[1]) + " ")
        elif tag in ("ul", "ol"):
            self.trim_end()
            if not self.lists:
                self.out.append(_PARAGRAPH)
            self.lists.append([tag, 1, 0])
        elif tag == "li":
            if self.lists and self.lists[-1][1] > 1:
                self.trim_end()  # not before a first item: that would eat the blank line
            if not self.lists:
                self.lists.append(["ul", 1, 0])
            kind, number, _ = self.lists[-1]
            marker = f"{number}. " if kind == "ol" else "- "
            # A nested list starts where its parent item's text starts (CommonMark).
            indent = self.lists[-2][2] if len(self.lists) > 1 else 0
            self.lists[-1][1:] = [number + 1, indent + len(marker)]
            self.out.append("\n" + _INDENT * indent + marker)
        elif tag == "tr":
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag == "blockquote":
            self.stack.append([])
        elif tag == "pre":
            self.pre += 1
            self.stack.append([])
        elif tag in _INLINE_MARKS and not self.pre:
            self.out.append(_INLINE_MARKS[tag])
        elif tag == "a":
            href = attributes.get("href")
            self.links.append((_link(href), (href or "").strip(), len(self.out)))
        elif tag == "img":
            src = media_url(attributes.get("src"))
            if src:
                self.out.append(f"![{attributes.get('alt') or ''}]({src})")

    def trim_end(self) -> None:
        """Drop the whitespace that ends the text so far (the source's layout)."""
        while self.out:
            kept = self.out[-1].rstrip(" \t\n" + _INDENT)
            if kept:
                self.out[-1] = kept
                return
            self.out.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.inline:
            if tag in _BLOCKS or tag in ("li", "tr") or tag.startswith("h"):
                self.out.append(" ")
            return
        if tag == "p" and self.summary is not None and self.out is self.summary:
            self.stack.pop()
            return
        if tag in _BLOCKS or re.fullmatch(r"h[1-6]", tag):
            self.out.append(_PARAGRAPH)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.out.append(_PARAGRAPH if not self.lists else "")
        elif tag == "blockquote" and len(self.stack) > 1:
            quoted = tidy(self.stack.pop())
            lines = "\n".join(f"> {line}".rstrip() for line in quoted.split("\n"))
            self.out.append(_PARAGRAPH + lines + _PARAGRAPH)
        elif tag == "pre" and self.pre and len(self.stack) > 1:
            self.pre -= 1
            code = "".join(self.stack.pop()).strip("\n")
            self.protected.append(f"```\n{code}\n```")
            self.out.append(f"{_PARAGRAPH}\x01{len(self.protected) - 1}\x01{_PARAGRAPH}")
        elif tag in _INLINE_MARKS and not self.pre:
            self.out.append(_INLINE_MARKS[tag])
        elif tag == "a" and self.links:
            href, written, start = self.links.pop()
            start = min(start, len(self.out))
            label = _WHITESPACE.sub(" ", "".join(self.out[start:])).strip()
            del self.out[start:]
            if href and label and label not in (href, written):
                self.out.append(f"[{label}]({href})")
            else:
                self.out.append(href or label)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.pre:
            self.out.append(data)
        elif self.inline or not data.strip():
            # Whitespace between tags (pretty-printed HTML) is layout, not text.
            self.out.append(_WHITESPACE.sub(" ", data))
        else:
            # A line break inside text is a Markdown soft break (a space when shown),
            # so it is kept: a body wrapped at 80 columns comes back wrapped the same.
            if self.out and self.out[-1] == "\n":
                data = data.lstrip(" \t").removeprefix("\n")  # the source's break after <br>
            data = _SPACES.sub(" ", data)
            if self.lists and self.lists[-1][2]:
                data = data.replace("\n", "\n" + _INDENT * self.lists[-1][2])
            self.out.append(data)

    def result(self) -> tuple[str | None, str]:
        while len(self.stack) > 1:  # unclosed blockquote or pre: keep its text
            inner = self.stack.pop()
            self.out.extend(inner)
        if self.inline:
            return None, _WHITESPACE.sub(" ", "".join(self.main)).strip()
        text = tidy(self.main)
        for number, block in enumerate(self.protected):
            text = text.replace(f"\x01{number}\x01", block)
        summary = tidy(self.summary) if self.summary is not None else None
        return summary or None, text


def _link(href: str | None) -> str | None:
    url = media_url(href)
    if url is None or url.lower().startswith(("javascript:", "data:", "vbscript:")):
        return None
    return url


def tidy(parts: list[str]) -> str:
    """Joined parts with single spaces, no spaces around line ends, at most one blank line."""
    lines = []
    for line in "".join(parts).split("\n"):
        line = re.sub(r" {2,}", " ", line).strip(" ")
        lines.append(line.replace(_INDENT, " "))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def html_to_text(markup: str, *, inline: bool = False) -> str:
    """HTML as Markdown-ish plain text; ``inline`` gives one line without any markup."""
    if not markup.strip():
        return ""
    maker = _TextMaker(inline=inline)
    maker.feed(markup)
    maker.close()
    return maker.result()[1]


def split_summary(markup: str) -> tuple[str | None, str]:
    """The ``chronicle-summary`` paragraph (when it leads the text) and the rest, as text."""
    if not markup.strip():
        return None, ""
    maker = _TextMaker(inline=False, summary_class=SUMMARY_CLASS)
    maker.feed(markup)
    maker.close()
    return maker.result()
