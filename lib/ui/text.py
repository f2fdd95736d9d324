"""Outside values shown as text, never as Markdown or HTML.

Streamlit renders alerts, captions, metric labels and Markdown with Markdown (links, images,
``:red[...]`` directives, icons). A value that came from a user, a file or a URL goes through
``escaped`` before it reaches one of them: every character Markdown could read as markup is
backslash-escaped, so ``[x](https://evil)`` shows as those very characters. ``said`` formats a
catalog message whose parameters are outside values: the message's own markup stays, its
parameters become text. Values are shortened first: nothing from outside is shown at length,
and a link's parameters are cut to ``PARAM_LENGTH`` before they are parsed (``url_params``).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import streamlit as st

from lib.i18n import t

PARAM_LENGTH = 500  # a link's parameter is cut to this length before anything parses it
SHOWN_LENGTH = 200  # an outside value is shown up to this many characters
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&\"'])")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]+")
# Markdown also turns bare addresses into links (https://…, www.…, name@host): a zero-width
# space inside the word that starts one keeps the text as it reads and stops the link.
_AUTOLINK = re.compile(r"(?i)(?<=h)(?=ttps?\\?:)|(?<=f)(?=tp\\?:)|(?<=w)(?=ww\\?\.)|(?=\\?@)")


def escaped(value: object) -> str:
    """``value`` as literal text inside Markdown (shortened, on one line)."""
    text = _LINE_BREAKS.sub(" ", str(value))
    if len(text) > SHOWN_LENGTH:
        text = text[: SHOWN_LENGTH - 1] + "…"
    return _AUTOLINK.sub("\u200b", _MARKUP.sub(r"\\\1", text))


def said(key: str, **params) -> str:
    """The catalog message ``key`` with every parameter shown as text (each item of a list)."""
    return t(key, **{name: _escaped_all(value) for name, value in params.items()})


def _escaped_all(value):
    return tuple(map(escaped, value)) if isinstance(value, list | tuple) else escaped(value)


def link(title: object, url: str) -> str:
    """A Markdown link whose title is text and whose address cannot close the link early."""
    return linked(escaped(title), url)


def linked(markdown: str, url: str) -> str:
    """``markdown`` (already escaped: ``escaped``) as a link to ``url``, whose address cannot
    close the link early."""
    return f"[{markdown}]({quote(url, safe=':/?#=&%~+@,;')})"


def url_params() -> dict[str, str]:
    """The link's parameters (the last value of each), each cut to ``PARAM_LENGTH``."""
    return {key: value[:PARAM_LENGTH] for key, value in st.query_params.to_dict().items()}


def url_values(key: str) -> list[str]:
    """Every value a link gives one parameter (``?region=1&region=6``), each cut short."""
    return [value[:PARAM_LENGTH] for value in st.query_params.get_all(key)]
