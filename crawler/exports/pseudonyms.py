"""Keyed pseudonyms for pseudonymised exports: the RPPO sees no seller, yet can follow one.

Every seller name, seller id, profile URL and contact detail in a pseudonymised
export is replaced by ``pw:<kind>:<16 hex digits>``, the first 64 bits of
HMAC-SHA256(key, kind + value). The key stays with the exporting NPPO:

* two exports made with the same key give the same trader the same pseudonym,
  so an RPPO can link this month's package with last month's;
* exports made with different keys share nothing, and without the key nobody
  can test a guessed name against a pseudonym (a plain hash would allow that).

What is replaced in free text, and why descriptions are dropped, is described
in docs/export-format.md ("Pseudonymisation").
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pycountry

from crawler.exports import ExportError
from crawler.exports.known_sellers import KnownSellers, Segment, SellerIdentity, mentioned, split_text
from crawler.sites import site_key

#: Environment variable naming the key file, when ``--key-file`` is not given.
KEY_FILE_ENV = "PHYTOWATCH_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 32
DIGEST_CHARS = 16
#: What a key file is made with, for error messages and the docs.
KEY_HINT = "phytowatch export-key FILE (or: openssl rand -hex 32 > FILE)"

_TLDS = sorted(
    {c.alpha_2.lower() for c in pycountry.countries}
    | {"uk", "eu", "com", "net", "org", "info", "biz", "shop", "store", "online", "site", "app", "io", "co", "example"},
    key=len,
    reverse=True,
)
_URL = r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]*[^\s<>\"'()\[\]{}.,;:!?]"
_AT = r"(?:@|\s*[\[({]\s*(?:at|@)\s*[\])}]\s*)"
_DOT = r"(?:\.|\s*[\[({]\s*dot\s*[\])}]\s*)"
_EMAIL = rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+"
#: 9 to 15 digits (E.164 allows 15; ISO dates and prices have fewer), with spaces, dots, dashes,
#: slashes or brackets between them and an optional + or 00 in front.
_PHONE = r"(?<![\w+])(?:\+|00)?\d(?:[\s().\-/]{0,2}\d){8,14}(?!\w)"
_DOMAIN = rf"(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{'|'.join(_TLDS)})(?![\w-])"
#: Contact details anywhere in a text; one pass, so a pseudonym is never rewritten.
CONTACT = re.compile(
    rf"(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<phone>{_PHONE})|(?P<domain>{_DOMAIN})", re.IGNORECASE
)


def _folded(text: str) -> str:
    """Case, accents and spacing folded, so 'Jardín  Verde' and 'jardin verde' are one name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _url_form(url: str) -> str:
    """A URL without scheme, ``www.``, case of the host or trailing slash: one site, one pseudonym."""
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{parts.path.rstrip('/')}{query}"


class Pseudonymiser:
    """Replaces identities by keyed hashes; one instance per export (it caches per seller)."""

    def __init__(self, key: bytes, known: KnownSellers | None = None) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ExportError(f"a pseudonymisation key needs at least {MIN_KEY_BYTES} bytes, not {len(key)}")
        self._key = key
        #: Every seller of the database, found in any listing's text (not only the listing's own seller).
        self.known = known
        self._own: dict[SellerIdentity, KnownSellers] = {}
        self._tokens: dict[tuple[str, str], str] = {}

    @property
    def key_id(self) -> str:
        """A fingerprint of the key, so two packages can be seen to share one without revealing it."""
        return hmac.new(self._key, b"phytowatch key id", hashlib.sha256).hexdigest()[:8]

    def token(self, kind: str, value: str) -> str:
        """``pw:<kind>:`` and the first 64 bits of HMAC-SHA256(key, kind, value), in hex."""
        token = self._tokens.get((kind, value))
        if token is None:
            digest = hmac.new(self._key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()
            token = f"pw:{kind}:{digest[:DIGEST_CHARS]}"
            if len(self._tokens) > 200_000:  # a cache, not a store: keep memory bounded
                self._tokens.clear()
            self._tokens[(kind, value)] = token
        return token

    def seller(self, marketplace: str, seller_key: str) -> str:
        return self.token("seller", f"{marketplace}\x1f{seller_key}")

    def name(self, name: str) -> str:
        return self.token("name", _folded(name))

    def url(self, url: str) -> str:
        return self.token("url", _url_form(url))

    def reviewer(self, reviewer: str) -> str:
        return self.token("reviewer", _folded(reviewer))

    def listing_ref(self, marketplace: str, listing_id: str) -> str:
        return self.token("listing", f"{marketplace}\x1f{listing_id}")

    def scrub(self, text: str | None, identity: SellerIdentity | None = None) -> str | None:
        """``text`` with contact details, the seller's identifiers and other known sellers replaced by pseudonyms.

        Contact details first (an e-mail address holds a domain), then the
        listing's own seller in every spelling, then any other seller of the
        database; a piece already replaced is never looked into again.
        """
        if not text:
            return text
        segments: list[Segment] = []
        position = 0
        for match in CONTACT.finditer(text):
            segments += [(text[position : match.start()], False), (self._contact(match), True)]
            position = match.end()
        segments.append((text[position:], False))
        indexes = self._indexes(identity)
        if indexes:
            segments = [piece for s in segments for piece in ([s] if s[1] else split_text(s[0], indexes, self))]
        return "".join(text for text, _ in segments)

    def identifies(self, text: str | None, identity: SellerIdentity, *, across_sellers: bool = True) -> bool:
        """Whether ``text`` (a URL, a listing id, a marketplace key) names the seller, or another known one."""
        if not text:
            return False
        key = identity.seller_key
        if key and ("." in key or "/" in key) and site_key(text) == key.lower():
            return True  # a page of the seller's own shop
        return mentioned(text, self._indexes(identity) if across_sellers else (self._own_index(identity),))

    def _contact(self, match: re.Match[str]) -> str:
        value = match.group()
        kind = match.lastgroup or "url"
        if kind == "url":
            return self.url(value)
        if kind == "email":
            at = re.sub(r"\s*[\[({]\s*(?:at|@)\s*[\])}]\s*", "@", value, flags=re.IGNORECASE)
            return self.token("email", re.sub(r"\s*[\[({]\s*dot\s*[\])}]\s*", ".", at, flags=re.IGNORECASE).lower())
        if kind == "phone":
            digits = re.sub(r"\D", "", value)
            international = value.startswith("+") or value.startswith("00")
            return self.token("phone", "+" + digits.removeprefix("00") if international else digits)
        return self.token("domain", value.lower().removeprefix("www."))

    def _indexes(self, identity: SellerIdentity | None) -> tuple[KnownSellers, ...]:
        """The listing's own seller first (it wins a tie), then every known seller."""
        own = (self._own_index(identity),) if identity is not None else ()
        return own + ((self.known,) if self.known else ())

    def _own_index(self, identity: SellerIdentity) -> KnownSellers:
        index = self._own.get(identity)
        if index is None:
            if len(self._own) > 50_000:  # an export of a huge store: keep memory bounded
                self._own.clear()
            index = self._own[identity] = KnownSellers.of(identity)
        return index


def load_key(path: str | Path) -> bytes:
    """The key in ``path``: a text key (hex, base64) without surrounding whitespace, or raw bytes."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise ExportError(f"pseudonymisation key file {file} does not exist (create one with: {KEY_HINT})") from None
    except OSError as exc:
        raise ExportError(f"cannot read pseudonymisation key file {file}: {exc.strerror or exc}") from None
    try:
        key = data.decode("ascii").strip().encode("ascii")
    except UnicodeDecodeError:
        key = data  # a binary key: every byte counts
    if len(key) < MIN_KEY_BYTES:
        raise ExportError(
            f"pseudonymisation key file {file} holds {len(key)} bytes; a key needs at least {MIN_KEY_BYTES}"
            f" (create one with: {KEY_HINT})"
        )
    return key


def create_key_file(path: str | Path) -> Path:
    """Write a new random key (256 bits, hex) readable by its owner only; never overwrite a key."""
    file = Path(path)
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ExportError(
            f"{file} already exists; a key is never overwritten (exports made with it could no longer be linked)"
        ) from None
    except OSError as exc:
        raise ExportError(f"cannot create key file {file}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32) + "\n")
    return file


def key_file_to_use(explicit: str | Path | None, configured: str | None) -> Path:
    """The key file: ``--key-file``, else ``$PHYTOWATCH_PSEUDONYM_KEY_FILE``, else ``pseudonym_key_file``."""
    chosen = explicit or os.environ.get(KEY_FILE_ENV) or configured
    if not chosen:
        raise ExportError(
            f"--pseudonymise needs a key: pass --key-file FILE, set {KEY_FILE_ENV}, or set pseudonym_key_file"
            f" in phytowatch.toml (create a key with: {KEY_HINT})"
        )
    return Path(chosen)
