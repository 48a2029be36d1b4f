"""Where each key of a TOML file is written: line numbers for error messages.

``tomllib`` parses a file into plain dicts and forgets where things were, so a
validator can say *what* is wrong but not *where*. :func:`key_lines` scans the
text once more (it must already have parsed) and maps every key path to the
line that defines it: table headers, dotted keys and keys in inline tables.
"""

from __future__ import annotations

import re

KeyPath = tuple[str, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[KeyPath, int] = {}

    @property
    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def skip_blank(self, newlines: bool) -> None:
        """Skip spaces (and newlines and comments when ``newlines``)."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.pos += 1
            elif char == "#" and newlines:
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def string(self) -> str:
        """A quoted string (any of TOML's four kinds), with basic escapes decoded."""
        quote = self.peek()
        if self.peek(3) == quote * 3:
            end = self.pos + 3
            while self.text[end : end + 3] != quote * 3:
                end += 2 if quote == '"' and self.text[end] == "\\" else 1
            while self.text[end + 3 : end + 4] == quote:  # up to two quotes may close the content
                end += 1
            value = self.text[self.pos + 3 : end]
            self.pos = end + 3
            return value
        self.pos += 1
        out = []
        while self.text[self.pos] != quote:
            char = self.text[self.pos]
            if char == "\\" and quote == '"':
                self.pos += 1
                esc = self.text[self.pos]
                if esc in "uU":
                    width = 4 if esc == "u" else 8
                    out.append(chr(int(self.text[self.pos + 1 : self.pos + 1 + width], 16)))
                    self.pos += width
                else:
                    out.append(_ESCAPES.get(esc, esc))
            else:
                out.append(char)
            self.pos += 1
        self.pos += 1
        return "".join(out)

    def key(self) -> KeyPath:
        """A dotted key: ``a.b``, ``"a b".c``, ``'x'``."""
        parts = []
        while True:
            self.skip_blank(newlines=False)
            if self.peek() in "\"'":
                parts.append(self.string())
            else:
                match = _BARE.match(self.text, self.pos)
                if not match:
                    break
                parts.append(match.group())
                self.pos = match.end()
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                break
            self.pos += 1
        return tuple(parts)

    def value(self, path: KeyPath) -> None:
        """Skip a value, recording the keys of inline tables under ``path``."""
        self.skip_blank(newlines=False)
        char = self.peek()
        if char in "\"'":
            self.string()
        elif char == "[":
            self.pos += 1
            while True:
                self.skip_blank(newlines=True)
                if self.peek() == "]":
                    self.pos += 1
                    return
                if self.peek() == ",":
                    self.pos += 1
                    continue
                self.value(path)
        elif char == "{":
            self.pos += 1
            while True:
                self.skip_blank(newlines=True)
                if self.peek() == "}":
                    self.pos += 1
                    return
                if self.peek() == ",":
                    self.pos += 1
                    continue
                self.key_value(path)
        else:  # number, boolean, date: up to the next delimiter
            while self.pos < len(self.text) and self.text[self.pos] not in ",]}#\r\n":
                self.pos += 1

    def key_value(self, table: KeyPath) -> None:
        line = self.line
        path = table + self.key()
        for end in range(len(table) + 1, len(path) + 1):  # a.b.c = 1 also defines a and a.b
            self.lines.setdefault(path[:end], line)
        self.skip_blank(newlines=False)
        self.pos += 1  # "="
        self.value(path)

    def document(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.lines
            if self.peek() == "[":
                line = self.line
                double = self.peek(2) == "[["
                self.pos += 2 if double else 1
                table = self.key()
                self.skip_blank(newlines=False)
                self.pos += 2 if double else 1
                for end in range(1, len(table) + 1):
                    self.lines.setdefault(table[:end], line)
                if double:  # an array of tables: the latest element wins
                    self.lines[table] = line
            else:
                self.key_value(table)


def key_lines(text: str) -> dict[KeyPath, int]:
    """``{("watches", "ebay-de", "schedule"): 12, ...}`` for a text that ``tomllib`` accepts."""
    return _Scanner(text).document()


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, or of its nearest enclosing key or table that is written down."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None
