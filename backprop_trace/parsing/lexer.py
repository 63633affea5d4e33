"""Text → tokens: ASCII math plus the unicode math of textbooks (3x² − 4x, x₁, eˣ, √x, ·, ×)."""

from __future__ import annotations

import keyword
import re
import unicodedata
from typing import Final, NamedTuple

from ..errors import ParseError
from ..limits import Limits
from ..ops import CONSTANT_SPELLINGS, METHODS

__all__ = ["Token", "tokenize", "SUPERSCRIPTS", "name_problem", "fold_name"]


class Token(NamedTuple):
    """``kind`` is num, name, op, sqrt, sup, method (the ``.`` of ``x.relu()``), transpose
    (``xᵀ``, ``x.T``), norm (``‖``), nl or end; ``text`` is normalised ASCII."""

    kind: str
    text: str
    offset: int


SUPERSCRIPTS: Final = dict(zip(
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿⁱˣʸᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷᶻ",
    "0123456789+-()nixyabcdefghjklmoprstuvwz",
))
_SUBSCRIPT_DIGITS: Final = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")

# Greek letters are names too (θ, σ, λ …), except those that look exactly like Latin ones; and
# the letters of Chinese and Korean (a loss named 损失 or 손실).
_GREEK: Final = "αβγδεζηθικλμνξπρςστυφχψωΓΔΘΛΞΠΣΦΨΩ"
_CJK: Final = "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
"""Chinese characters and Korean syllables (kana are not letters here: the bundled font has
none, and ・ ー would pass for operators)."""
_OPERATORS: Final = {
    "+": "+", "-": "-", "−": "-", "–": "-", "*": "*", "·": "*", "⋅": "*", "×": "*", "∗": "*",
    "/": "/", "÷": "/", "∕": "/", "^": "^", "(": "(", ")": ")", "{": "(", "}": ")",
    "=": "=", ",": ",", ";": ";", "@": "@",
}
_TRANSPOSE: Final = "ᵀ⊤"
"""A transpose written as the textbook writes it: xᵀ (and LaTeX's ⊤)."""
_CLOSING: Final = {"(": ")", "{": "}"}
_TOKEN_RE: Final = re.compile(
    rf"(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    rf"|(?P<name>[A-Za-z_{_GREEK}{_CJK}][A-Za-z0-9_{_GREEK}{_CJK}₀-₉]*)"
    rf"|(?P<pow>\*\*)"
    rf"|(?P<space>[ \t\r\f\v\u00a0\u2009\u202f]+)"
    rf"|(?P<comment>\#[^\n]*)"
    rf"|(?P<sup>[{''.join(SUPERSCRIPTS)}]+)"
)
_LOOKALIKES: Final = dict(zip("аеорсухіјѕАВЕКМНОРСТХοΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
                              "aeopcyxijsABEKMHOPCTXoABEZHIKMNOPTYX"))
_HINTS: Final = {
    ".": "'.' is only allowed inside a number or before a method such as .relu() (attribute "
         "access such as x.real is not math)",
    "'": "strings are not allowed", '"': "strings are not allowed",
    "[": "square brackets are not allowed: use ( ) for grouping",
    "]": "square brackets are not allowed: use ( ) for grouping",
    ":": "':' is not allowed (there are no lambdas, slices or dictionaries here)",
    "!": "factorials are not supported",
    "・": "'・' (katakana middle dot) is not a product sign: write * or ·",
}
_GREEK_LOOKALIKES: Final = {"χ": ("x", "chi"), "ν": ("v", "nu"), "ρ": ("p", "rho")}
"""Greek letters read as Latin ones on a slide: two variables that look the same."""
_NAME_MAX: Final = 100
_METHOD_RE: Final = re.compile(rf"(?:{'|'.join(METHODS)})\(\)")
_RADIX_RE: Final = re.compile(r"[xXoObB][0-9a-fA-F]")
_DOT_T_RE: Final = re.compile(r"T(?![A-Za-z0-9_(])")
_CJK_RE: Final = re.compile(f"[{_CJK}]")
_JAMO_RE: Final = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]")
_FULL_WIDTH: Final = frozenset(map(chr, range(0xFF01, 0xFF5F))) | {"\u3000"}
_NAME_RE: Final = re.compile(rf"[A-Za-z{_GREEK}{_CJK}][A-Za-z0-9_{_GREEK}{_CJK}]*")


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a variable's name as the text parser would read it (None when
    it can): the other front ends (sympy symbols, Python variables) admit the same names, so
    nothing a printer writes can be read as code, markup or another number."""
    if not isinstance(name, str) or not name:
        return "a name must be a non-empty string"
    plain = name.translate(_SUBSCRIPT_DIGITS)
    if len(plain) > _NAME_MAX:
        return f"a name may have at most {_NAME_MAX} characters"
    if not _NAME_RE.fullmatch(plain):
        return ("a name must be letters (Latin, Greek, Chinese, Korean) and digits, "
                "starting with a letter")
    if keyword.iskeyword(plain):
        return "a Python keyword is not a name"
    return None


def tokenize(text: str, limits: Limits, *, base: int = 0, source: str | None = None) -> list[Token]:
    """Split ``text`` into tokens; ``base`` and ``source`` place a sub-text (a superscript) in
    the full input so errors point at the right column."""
    source = text if source is None else source
    text = _fold_letters(text, base, source)
    tokens: list[Token] = []
    opened: list[tuple[str, int]] = []
    pos, end = 0, len(text)
    while pos < end:
        m = _TOKEN_RE.match(text, pos)
        if m is not None:
            kind, piece = m.lastgroup, m.group()
            at = base + pos
            if kind == "num":
                if piece == "0" and _RADIX_RE.match(text, m.end()):
                    raise ParseError("hexadecimal, octal and binary literals (0x…) are not "
                                     "supported: write the number in decimal", source, at)
                tokens.append(Token("num", _check_number(piece, at, limits, source), at))
            elif kind == "name":
                tokens.append(Token("name", _check_name(piece, at, source), at))
            elif kind == "pow":
                tokens.append(Token("op", "^", at))
            elif kind == "sup":
                tokens.append(Token("sup", "".join(SUPERSCRIPTS[c] for c in piece), at))
            pos = m.end()
            continue
        char, at = text[pos], base + pos
        if char == "\n":
            if not opened:  # inside brackets a line break is just white space
                tokens.append(Token("nl", "\n", at))
        elif char == "√":
            tokens.append(Token("sqrt", "√", at))
        elif char == "." and _METHOD_RE.match(text, pos + 1) and tokens and (
                tokens[-1].kind in ("name", "num", "transpose") or tokens[-1].text == ")"):
            tokens.append(Token("method", ".", at))  # (b + a).relu(), as micrograd writes
        elif char == "." and _DOT_T_RE.match(text, pos + 1) and tokens and (
                tokens[-1].kind in ("name", "transpose") or tokens[-1].text == ")"):
            tokens.append(Token("transpose", "T", at))  # x.T, as numpy writes it
            pos += 1
        elif char in _TRANSPOSE:
            tokens.append(Token("transpose", "T", at))
        elif char == "‖":
            tokens.append(Token("norm", "‖", at))
            if text.startswith("₂", pos + 1):  # ‖x‖₂: the L2 norm, as D2L writes it
                pos += 1
        elif char in _OPERATORS:
            if char in "({":
                opened.append((char, at))
            elif char in ")}":
                if not opened:
                    raise ParseError(f"'{char}' has no matching opening bracket", source, at)
                opener, opener_at = opened.pop()
                if _CLOSING[opener] != char:
                    raise ParseError(f"'{char}' closes the '{opener}' opened at column "
                                     f"{_column(source, opener_at)}", source, at)
            tokens.append(Token("op", _OPERATORS[char], at))
        else:
            raise ParseError(_describe_bad_char(char), source, at)
        pos += 1
    if opened:
        opener, opener_at = opened[-1]
        raise ParseError(f"'{opener}' is never closed: add '{_CLOSING[opener]}'", source, opener_at)
    tokens.append(Token("end", "", base + end))
    return tokens


def _fold_letters(text: str, base: int, source: str) -> str:
    """Letters pasted from PDFs (𝑥, ｘ) become the letter they stand for; look-alikes from
    other alphabets are refused, since they would silently be different variables."""
    if text.isascii():
        return text
    if _JAMO_RE.search(text):  # Hangul typed as letters (ᄒ + ᅡ + ᆫ) reads as the syllable 한
        text = unicodedata.normalize("NFC", text)
    chars = list(text)
    comment = False
    for i, c in enumerate(chars):
        if c == "#":
            comment = True  # a comment may hold any letter (# Größe)
        elif c == "\n":
            comment = False
        if comment or c.isascii() or c in SUPERSCRIPTS or c in _TRANSPOSE or c == "‖":
            continue
        if c in _FULL_WIDTH:  # a Chinese or Korean keyboard's ＋（）＝ and ｘ: the ASCII ones
            chars[i] = unicodedata.normalize("NFKC", c)
            continue
        if c in _GREEK_LOOKALIKES:
            raise ParseError(_describe_bad_char(c), source, base + i)
        if c in _GREEK or _CJK_RE.match(c):
            continue
        if not unicodedata.category(c).startswith("L"):
            continue
        folded = unicodedata.normalize("NFKC", c)
        if len(folded) == 1 and (folded.isascii() and folded.isalpha() or folded in _GREEK):
            chars[i] = folded
        else:
            raise ParseError(_describe_bad_char(c), source, base + i)
    return "".join(chars)


def fold_name(name: str) -> str:
    """A name given outside the text (``at={"ｘ": 1}``, ``--at ｘ=1``) as the text's lexer
    reads it (x); a name it would refuse is left as it is, for the caller to report."""
    try:
        return _fold_letters(name, 0, name)
    except ParseError:
        return name


def _describe_bad_char(char: str) -> str:
    if char in _HINTS:
        return _HINTS[char]
    if char in _GREEK_LOOKALIKES:
        latin, word = _GREEK_LOOKALIKES[char]
        return (f"'{char}' (Greek {word}) looks like the Latin letter '{latin}' on a slide: "
                f"write '{latin}', or spell the Greek letter: {word}")
    name = unicodedata.name(char, f"U+{ord(char):04X}")
    if char in _LOOKALIKES:
        return (f"'{char}' ({name}) only looks like the Latin letter '{_LOOKALIKES[char]}': "
                f"retype it as '{_LOOKALIKES[char]}'")
    if unicodedata.category(char).startswith("L"):
        return (f"letter '{char}' ({name}) is not allowed in names: use Latin, Greek, Chinese "
                f"or Korean letters")
    shown = char if char.isprintable() else repr(char)[1:-1]
    return (f"character '{shown}' ({name}) is not allowed: use numbers, names, "
            f"+ − × ÷ ^, parentheses and function calls")


def _check_number(piece: str, at: int, limits: Limits, source: str) -> str:
    if len(piece) > limits.max_number_digits:
        raise ParseError(f"number with {len(piece)} characters is longer than the limit of "
                         f"{limits.max_number_digits} (raise limits.max_number_digits)", source, at)
    value = float(piece)
    if value == float("inf"):
        raise ParseError(f"number {piece[:20]} is too large for a float", source, at)
    if value == 0 and any(d in "123456789" for d in piece.lower().split("e")[0]):
        raise ParseError(f"number {piece[:20]} is too small for a float (under 1e-308): write 0 "
                         f"if you mean 0", source, at)
    return piece


def _check_name(piece: str, at: int, source: str) -> str:
    name = piece.translate(_SUBSCRIPT_DIGITS)
    if name.startswith("_"):
        raise ParseError(f"names may not start with '_' ({name[:20]!r})", source, at)
    if keyword.iskeyword(name):
        raise ParseError(f"'{name}' is a Python keyword; only arithmetic, names and function "
                         f"calls are allowed", source, at)
    if len(name) > _NAME_MAX:
        raise ParseError(f"name is longer than {_NAME_MAX} characters", source, at)
    return CONSTANT_SPELLINGS.get(name, name)


def _column(source: str, offset: int) -> int:
    return offset - source.rfind("\n", 0, offset)
