"""TeX markup in BibTeX field values -> plain text.

Reference managers and arXiv write titles and abstracts with TeX: protective braces
(`{{BERT}}`), accents (`{\\"u}`, `\\'{e}`, `\\c c`), escaped specials (`\\&`, `\\%`), ligatures
(`--`, ``` `` ```), ties (`~`) and formatting commands (`\\textbf{x}`). A reader wants the text, so
braces go, accents compose to one character (NFC), known formatting commands leave their
argument, and symbols become their character. Inline math `$...$` is kept as written without
the dollars (there is no good plain-text rendering of it). An unknown command is kept as written
(`\\ours`): dropping it would lose a word.

One pass over the value with a regex that finds only the special characters, so plain text is
copied in slices at C speed; the output is never re-read, so `\\textbackslash{}textbf` gives the
literal text `\\textbf`. `\\char` and `^^` escapes are not decoded (they could make control
characters), and callers still clean every field.

Names in `author` fields are split here too, as they need the same brace depth: on `and` at
depth 0 ("others" dropped), then "Last, First" / "von Last, Jr, First" -> "First Last [Jr]".
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = re.compile(r"[\\{}$~]|---?|``|''")
_PLAIN = re.compile(r"[\\{}$~]")
_NAME = re.compile(r"[A-Za-z]+")

ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331", "t": "\u0361",
}
SYMBOLS = {
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "i", "j": "j", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
    "textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}", "textasciitilde": "~",
    "textasciicircum": "^", "textunderscore": "_", "textendash": "–", "textemdash": "—",
    "ldots": "…", "dots": "…", "textellipsis": "…", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedblleft": "“", "textquotedblright": "”", "guillemotleft": "«", "guillemotright": "»",
    "S": "§", "P": "¶", "copyright": "©", "textcopyright": "©", "textregistered": "®",
    "texttrademark": "™", "textdegree": "°", "textbullet": "•", "dag": "†", "textdagger": "†",
    "pounds": "£", "euro": "€", "texteuro": "€", "LaTeX": "LaTeX", "TeX": "TeX",
    "BibTeX": "BibTeX", "textless": "<", "textgreater": ">", "textbar": "|",
    "textperiodcentered": "·", "textquotesingle": "'", "textasciigrave": "`", "quad": " ",
    "qquad": " ", "space": " ", "newline": " ", "par": " ",
}
# Commands whose argument is the text (`\textbf{x}` -> x) and font switches (`{\em x}` -> x).
DROPPED = frozenset({
    "textbf", "textit", "emph", "texttt", "textsc", "textrm", "textsf", "textsl", "textup",
    "textmd", "textnormal", "mbox", "text", "mathrm", "mathbf", "mathit", "mathsf", "mathtt",
    "mathcal", "mathbb", "url", "uppercase", "lowercase", "MakeUppercase", "MakeLowercase",
    "MakeTextUppercase", "MakeTextLowercase", "textsuperscript", "textsubscript", "underline",
    "hbox", "protect", "nocase", "NoCaseChange", "ensuremath", "em", "it", "bf", "sc", "rm", "tt",
    "sf", "sl", "bfseries", "itshape", "scshape", "upshape", "mdseries", "normalfont", "relax",
    "noopsort",
})
_SINGLE = {
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", "\\": " ", " ": " ",
    ",": " ", ";": " ", ":": " ", "!": "", "-": "", "/": "", "@": "", "\n": " ",
}
_LIGATURE_TEXT = {"--": "–", "---": "—", "``": "“", "''": "”"}
MAX_ARG = 64  # an accent's braced argument is a letter or two: never search further
MAX_DEPTH = 4


def tex_to_text(value: str, *, ligatures: bool = True, depth: int = 0) -> str:
    """Plain text for a BibTeX value; `ligatures=False` keeps `--` and quotes as written (readq's
    own export, whose `latex_escape` leaves them alone)."""
    special = _LIGATURES if ligatures else _PLAIN
    out: list[str] = []
    i, n = 0, len(value)
    while i < n:
        m = special.search(value, i)
        if m is None:
            out.append(value[i:])
            break
        out.append(value[i:m.start()])
        tok = m.group(0)
        i = m.end()
        if tok in ("{", "}"):
            continue
        if tok == "~":
            out.append(" ")
        elif tok == "$":
            j = value.find("$", i)
            if j < 0:
                out.append("$")
            else:
                out.append(value[i:j])
                i = j + 1
        elif tok != "\\":
            out.append(_LIGATURE_TEXT[tok])
        else:
            text, i = _command(value, i, ligatures, depth)
            out.append(text)
    return "".join(out)


def _command(value: str, i: int, ligatures: bool, depth: int) -> tuple[str, int]:
    """The text for the command whose backslash ends just before `i`, and where reading resumes."""
    if i >= len(value):
        return "\\", i
    c = value[i]
    m = _NAME.match(value, i)
    name = m.group(0) if m else c
    end = m.end() if m else i + 1
    if name in ACCENTS and (m is None or len(name) == 1):
        return _accent(value, end, ACCENTS[name], m is not None, ligatures, depth)
    if m is None:
        if c in _SINGLE:
            return _SINGLE[c], end
        return "\\" + c, end
    if name not in SYMBOLS and name not in DROPPED and name != "href":
        return "\\" + name, end  # unknown: kept as written
    if value.startswith("{}", end):
        end += 2
    else:  # TeX skips the spaces after a control word
        while end < len(value) and value[end] in " \t\n":
            end += 1
    if name in SYMBOLS:
        return SYMBOLS[name], end
    if name == "href" and value.startswith("{", end):  # \href{url}{text}: the text
        close = value.find("}", end)
        return "", close + 1 if close > 0 else end
    return "", end


def _accent(value: str, i: int, mark: str, letter: bool, ligatures: bool, depth: int) -> tuple[str, int]:
    """`\\"u`, `\\"{u}`, `\\c c`, `\\'{\\i}` -> the composed character."""
    n = len(value)
    if letter:
        while i < n and value[i] in " \t":
            i += 1
    if i >= n:
        return "", i
    c = value[i]
    if c == "{":
        close = value.find("}", i + 1, i + 1 + MAX_ARG)
        inner = value[i + 1:close] if close > 0 else ""
        if close < 0 or "{" in inner:
            return "", i + 1  # long or nested: the braces are dropped, the text read as usual
        base = tex_to_text(inner, ligatures=ligatures, depth=depth + 1) if depth < MAX_DEPTH else inner
        i = close + 1
    elif c == "\\" and value[i + 1:i + 2] in ("i", "j") and not value[i + 2:i + 3].isalpha():
        base, i = value[i + 1], i + 2
    elif c in "\\}$":
        return "", i  # nothing to put the accent on: read on as usual
    else:
        base, i = c, i + 1
    if not base:
        return "", i
    return unicodedata.normalize("NFC", base[0] + mark) + base[1:], i


def split_authors(value: str) -> tuple[list[str], bool]:
    """Raw names split on `and` at brace depth 0, and whether "others" was among them."""
    names: list[str] = []
    depth, last = 0, 0
    for m in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        tok = m.group(0)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            names.append(value[last:m.start()])
            last = m.end()
    names.append(value[last:])
    names = [n.strip() for n in names if n.strip()]
    others = any(n.lower() == "others" for n in names)
    return [n for n in names if n.lower() != "others"], others


def person(raw: str, ligatures: bool = True) -> str:
    """`Last, First` / `von Last, Jr, First` / `First Last` -> `First Last` as plain text."""
    parts, depth, last = [], 0, 0
    for i, c in enumerate(raw):
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        elif c == "," and depth == 0:
            parts.append(raw[last:i])
            last = i + 1
    parts.append(raw[last:])
    parts = [tex_to_text(p, ligatures=ligatures).strip() for p in parts]
    if len(parts) == 2:
        parts = [parts[1], parts[0]]
    elif len(parts) >= 3:
        parts = [parts[2], parts[0], parts[1]]
    return " ".join(p for p in parts if p)
