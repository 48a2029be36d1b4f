"""Turning shop HTML fragments into the plain text that officers and the classifier read."""

from __future__ import annotations

import re

from w3lib.html import remove_tags, remove_tags_with_content, replace_entities

_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")
_BLOCK_TAGS = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.IGNORECASE)


def html_to_text(html: str | None) -> str | None:
    """Plain text of an HTML fragment (Shopify ``body_html``, WooCommerce ``description``).

    Scripts and styles are dropped with their content, block ends become line
    breaks, entities are decoded and runs of white space folded. ``None`` or a
    fragment with no text gives ``None``.
    """
    if not html:
        return None
    html = remove_tags_with_content(html, which_ones=("script", "style", "noscript"))
    html = _BLOCK_TAGS.sub("\n", html)
    text = replace_entities(remove_tags(html))
    text = _BLANK_LINES.sub("\n", _SPACES.sub(" ", text)).strip()
    return text or None


def clean_title(title: str | None) -> str | None:
    """A title on one line with entities decoded and white space folded."""
    if title is None:
        return None
    text = " ".join(replace_entities(str(title)).split())
    return text or None
