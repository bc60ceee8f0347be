"""A one-line text editor driven by key names: the filter's state, with no widget attached.

The filter does not take focus: the screen routes keys to this editor while filtering, so every
key goes through one queue in the order it was typed (a focus switch to an `Input` would let keys
already queued for the list, or for the input, land on the wrong side of `/` or Enter).
"""

from __future__ import annotations

from dataclasses import dataclass

WORD_CHARS = str.isalnum


@dataclass(slots=True)
class LineEditor:
    """Text plus a cursor; `handle` applies one key and says whether it was an editing key."""

    text: str = ""
    cursor: int = 0

    def set(self, text: str) -> None:
        self.text, self.cursor = text, len(text)

    def insert(self, chars: str) -> None:
        chars = chars.replace("\r", " ").replace("\n", " ")
        self.text = self.text[: self.cursor] + chars + self.text[self.cursor :]
        self.cursor += len(chars)

    def handle(self, key: str, character: str | None) -> bool:
        if character is not None and character.isprintable() and len(character) == 1 and not key.startswith("ctrl+"):
            self.insert(character)
        elif key == "backspace" or key == "ctrl+h":
            if self.cursor:
                self.text = self.text[: self.cursor - 1] + self.text[self.cursor :]
                self.cursor -= 1
        elif key == "delete" or key == "ctrl+d":
            self.text = self.text[: self.cursor] + self.text[self.cursor + 1 :]
        elif key == "left":
            self.cursor = max(0, self.cursor - 1)
        elif key == "right":
            self.cursor = min(len(self.text), self.cursor + 1)
        elif key in ("home", "ctrl+a"):
            self.cursor = 0
        elif key in ("end", "ctrl+e"):
            self.cursor = len(self.text)
        elif key == "ctrl+u":
            self.text, self.cursor = self.text[self.cursor :], 0
        elif key == "ctrl+k":
            self.text = self.text[: self.cursor]
        elif key in ("ctrl+w", "ctrl+backspace"):
            start = self.cursor
            while start and self.text[start - 1] == " ":
                start -= 1
            while start and self.text[start - 1] != " ":
                start -= 1
            self.text, self.cursor = self.text[:start] + self.text[self.cursor :], start
        else:
            return False
        return True
