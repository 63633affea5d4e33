"""How names and numbers read, in every stage's messages and pictures: textbook unicode
(u₁, x₁₂, π, −4, 0.1966) and LaTeX names."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction
from functools import lru_cache
from typing import Any, Final

__all__ = ["pretty_name", "latex_name", "fmt_number", "superscript", "clean_text",
           "short_fraction", "is_short_fraction", "fmt_products",
           "MAX_DENOMINATOR", "plain_name", "version_names", "split_version", "code_name",
           "VERSION_STYLES", "OUTPUT_NAMES", "shape_text", "fresh_stem"]

_SUB: Final = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_PLAIN_DIGITS: Final = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_SUP: Final = str.maketrans("0123456789-+()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾")
_SUPERSCRIPT_DIGITS: Final = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_PLAIN_SUPERSCRIPTS: Final = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_NAME_RE: Final = re.compile(r"^(?![\d.])(.*?[^\d_])_?(\d+)$")
"""A name with an index (``x1``, ``x_12``, ``w0``); a number such as ``0.5`` never matches."""
_GREEK_WORDS: Final = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "theta": "θ",
    "lambda_": "λ", "mu": "μ", "sigma": "σ", "tau": "τ", "phi": "φ", "omega": "ω", "pi": "π",
    "rho": "ρ", "chi": "χ", "nu": "ν",
}
_SHOWN_ELEMENTS: Final = 6
MAX_DENOMINATOR: Final = 99
"""The largest denominator shown as a fraction (1/3, 5/12); beyond it, decimals."""


_PRIMES: Final = ("", "′", "″", "‴")
OUTPUT_NAMES: Final = ("y", "f", "out", "output")
_STEMS: Final = ("u", "v", "s", "r", "q", "m", "n", "k", "g", "e")


def fresh_stem(taken: set[str] | frozenset[str], preferred: str = "u") -> str:
    """The letter generated names take (``u`` → u₁, u₂, …): the first of ``preferred`` and a
    few others that no user's name equals or extends with an index (a user's ``u`` or
    ``u1``, ``u_2``, ``u⁽¹⁾`` rules ``u`` out), so ``∂u₂/∂u`` never appears.

    >>> fresh_stem({"x", "y"}), fresh_stem({"u", "x"}), fresh_stem({"u1", "v"})
    ('u', 'v', 's')
    """
    stems = {split_version(name)[0].rstrip("0123456789").rstrip("_") for name in taken}
    # each name rules out one stem at most: among len(taken) + 1 candidates one is free
    candidates = (preferred, *_STEMS, *(preferred * k for k in range(2, len(taken) + 3)))
    return next(stem for stem in candidates if stem not in stems)
"""Names an unnamed output takes, the first the system does not use."""


VERSION_STYLES: Final = ("superscript", "primes")
"""How the versions of a rebound name read: h⁽¹⁾, h⁽²⁾ (a prime reads as a derivative in a
calculus course), or h, h′, h″ on request."""
_VERSION_RE: Final = re.compile(r"^(.+?)((?:⁽[⁰¹²³⁴⁵⁶⁷⁸⁹]+⁾)|[′″‴]|(?:_\d+))$")


def version_names(name: str, count: int, style: str = "superscript",
                  parameter: bool = False) -> list[str]:
    """The names of ``count`` assignments of ``name``, in order (after the parameter's own
    value, named ``name`` itself, when ``parameter``): one assignment keeps the name;
    several read ``h⁽¹⁾, h⁽²⁾, …`` or, in ``"primes"`` style, ``h, h′, h″, h‴, h_4, …``.

    >>> version_names("c", 2), version_names("c", 1), version_names("h", 2, parameter=True)
    (['c⁽¹⁾', 'c⁽²⁾'], ['c'], ['h⁽¹⁾', 'h⁽²⁾'])
    >>> version_names("c", 3, "primes"), version_names("h", 1, "primes", parameter=True)
    (['c', 'c′', 'c″'], ['h′'])
    """
    if style == "primes":
        start = 1 if parameter else 0
        return [name + (_PRIMES[k] if k < len(_PRIMES) else f"_{k}")
                for k in range(start, start + count)]
    if count == 1 and not parameter:
        return [name]
    return [f"{name}⁽{str(k).translate(_SUPERSCRIPT_DIGITS)}⁾" for k in range(1, count + 1)]


def split_version(name: str) -> tuple[str, str]:
    """A versioned name's stem and its version mark: ``h⁽²⁾`` → (``h``, ``⁽²⁾``), ``c′`` →
    (``c``, ``′``); any other name → (name, "")."""
    m = _VERSION_RE.match(name)
    if m is None or m.group(2).startswith("_"):
        return name, ""
    return m.group(1), m.group(2)


_CODE_NAMES: ContextVar[Mapping[str, str] | None] = ContextVar("code_names", default=None)


@contextmanager
def code_names_for(names: Sequence[str]) -> Iterator[None]:
    """While it lasts, ``code_name`` gives each of ``names`` an identifier no other of them
    has: a version whose usual form is a user's own name (``c_v1`` beside ``c⁽¹⁾``) takes
    trailing underscores (``c_v1_``)."""
    taken = set(names)
    chosen: dict[str, str] = {}
    for name in names:
        code = _code_form(name)
        if code != name:
            while code in taken:
                code += "_"
            taken.add(code)
        chosen[name] = code
    token = _CODE_NAMES.set(chosen)
    try:
        yield
    finally:
        _CODE_NAMES.reset(token)


def code_name(name: str) -> str:
    """A name as a Python identifier in the code listing: ``h⁽²⁾`` → ``h_v2``, ``c′`` →
    ``c_p1`` (unique among a listing's names inside ``code_names_for``)."""
    chosen = _CODE_NAMES.get()
    if chosen is not None and name in chosen:
        return chosen[name]
    return _code_form(name)


def _code_form(name: str) -> str:
    stem, mark = split_version(name)
    if not mark:
        return name
    if mark[0] == "⁽":
        return f"{stem}_v{mark[1:-1].translate(_PLAIN_SUPERSCRIPTS)}"
    return f"{stem}_p{_PRIMES.index(mark)}"


@lru_cache(maxsize=8192)  # every caption and label names its nodes again
def pretty_name(name: str) -> str:
    """``u1`` → ``u₁``, ``x_12`` → ``x₁₂``, ``pi`` → ``π``; a constant node ``1#2`` → ``1``;
    a number reads as typed.

    >>> pretty_name("x_12"), pretty_name("0.5"), pretty_name("1e-3#2"), pretty_name("pi")
    ('x₁₂', '0.5', '1e-3', 'π')
    """
    name = name.split("#", 1)[0]
    stem, mark = split_version(name)
    if mark:
        return pretty_name(stem) + mark
    if name in _GREEK_WORDS:
        return _GREEK_WORDS[name]
    m = _NAME_RE.match(name)
    if m is None:
        return name
    return m.group(1) + m.group(2).translate(_SUB)


def latex_name(name: str) -> str:
    """``u1`` → ``u_{1}``, ``theta`` → ``\\theta``, ``x`` → ``x``; longer names in ``\\mathrm``;
    a number as typed.

    >>> latex_name("u1"), latex_name("0.5"), latex_name("w_12")
    ('u_{1}', '0.5', 'w_{12}')
    """
    name = name.split("#", 1)[0]
    if name[:1].isdigit() or name[:1] == ".":
        return name  # a number, as typed
    stem, mark = split_version(name)
    if mark:
        version = ("^{(" + mark[1:-1].translate(_PLAIN_SUPERSCRIPTS) + ")}" if mark[0] == "⁽"
                   else "'" * (_PRIMES.index(mark)))
        return "{" + latex_name(stem) + "}" + version
    m = _NAME_RE.match(name)
    stem, sub = (m.group(1), m.group(2)) if m else (name, "")
    if stem in _GREEK_WORDS or stem == "lambda":
        stem = "\\" + stem.rstrip("_")
    elif len(stem) > 1 and not all(ord(c) > 127 for c in stem):
        stem = f"\\mathrm{{{stem}}}"
    return f"{stem}_{{{sub}}}" if sub else stem


def shape_text(shape: tuple[int, ...]) -> str:
    """The space a value lives in: ``ℝ³ˣ⁴`` (a matrix), ``ℝ³`` (a vector), ``ℝ`` (a scalar).

    >>> shape_text((3, 4)), shape_text((2,)), shape_text(())
    ('ℝ³ˣ⁴', 'ℝ²', 'ℝ')
    """
    return "ℝ" + "ˣ".join(str(n).translate(_SUPERSCRIPT_DIGITS) for n in shape)


def plain_name(name: str) -> str:
    """A name as the tape spells it: subscript digits as digits (``x₁`` → ``x1``), as the
    lexer reads them."""
    return name.translate(_PLAIN_DIGITS)


def superscript(text: str) -> str | None:
    """``2`` → ``²``, ``-1`` → ``⁻¹``; None when ``text`` has no superscript form."""
    if not re.fullmatch(r"[-+]?\d+", text):
        return None
    return text.translate(_SUP)


def fmt_number(value: Any, *, unicode: bool = True, digits: int = 4,
               fractions: bool = False) -> str:
    """At most ``digits`` significant digits, integers without ``.0``, never ``-0``; arrays as
    lists. With ``fractions`` (the inputs are exact), a value that is a short fraction and
    has no short decimal reads as the textbook writes it: ``1/3``, not ``0.3333``.

    >>> fmt_number(-4.0), fmt_number(-0.19661193), fmt_number(1e-7), fmt_number(-0.0)
    ('−4', '−0.1966', '1e−7', '0')
    >>> fmt_number(1 / 3, fractions=True), fmt_number(-2 / 3, fractions=True)
    ('1/3', '−2/3')
    """
    if getattr(value, "ndim", 0) == 2 and value.size <= _SHOWN_ELEMENTS:  # a small matrix
        return "[" + ", ".join(fmt_number(row, unicode=unicode, digits=digits,
                                          fractions=fractions) for row in value) + "]"
    if getattr(value, "ndim", 0) > 0:  # an array (numpy is not imported for this)
        flat = value.ravel()
        shown = [fmt_number(v, unicode=unicode, digits=digits, fractions=fractions)
                 for v in flat[:_SHOWN_ELEMENTS]]
        if flat.size > _SHOWN_ELEMENTS:
            shown[-1:] = ["…", fmt_number(flat[-1], unicode=unicode, digits=digits,
                                          fractions=fractions)]
        return "[" + ", ".join(shown) + "]"
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        text = "∞" if unicode else "inf"
        return text if v > 0 else ("−" if unicode else "-") + text
    rounded = float(f"{v:.{digits}g}")
    fraction = short_fraction(v) if fractions and rounded != v else None
    if fraction is not None and _terminates(fraction) and len(repr(v)) <= _EXACT_DECIMAL:
        text = repr(v)  # an exact input with a short decimal: 123456.7, not 1234567/10
    elif fraction is not None:
        text = f"{fraction.numerator}/{fraction.denominator}"
    elif rounded == 0:
        text = "0"
    elif v == int(v) and abs(v) < 1e15:  # an integer is shown whole (123456, not 123500)
        text = str(int(v))
    elif rounded == int(rounded) and abs(rounded) < 10 ** digits:
        text = str(int(rounded))
    else:
        text = f"{v:.{digits}g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−") if unicode else text


_EXACT_DECIMAL: Final = 12
"""Characters up to which an exact input's decimal is shown as it is."""


def _terminates(fraction: Fraction) -> bool:
    """Whether ``fraction`` is a finite decimal (its denominator has no prime but 2 and 5)."""
    q = fraction.denominator
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def short_fraction(value: float) -> Fraction | None:
    """``value`` as p/q with q ≤ MAX_DENOMINATOR when it is that fraction to the last bit
    of a double (1/3, −2/3, 5/6), else None; integers are not fractions."""
    if not math.isfinite(value):
        return None
    fraction = Fraction(value).limit_denominator(MAX_DENOMINATOR)
    return fraction if fraction.denominator > 1 and float(fraction) == value else None


def is_short_fraction(value: float) -> bool:
    """Whether ``value`` is an integer or a short fraction exactly (an exact input)."""
    return math.isfinite(value) and (float(value).is_integer()
                                     or short_fraction(value) is not None)


def _shown_float(text: str) -> float:
    text = text.replace("−", "-")
    if "/" in text:
        numerator, denominator = text.split("/")
        return int(numerator) / int(denominator)
    return float(text)


def fmt_products(pairs: Sequence[tuple[float, float]], total: float, *,
                 fractions: bool = False) -> tuple[list[tuple[str, str]], str]:
    """The factors of Σ aᵢ·bᵢ and its total as shown, with the factors given as many digits
    (4 to 12) as it takes for the shown arithmetic to check: the sum of the shown products,
    rounded as the total is shown, is the shown total (``1.02·0.5 = 0.51``, not
    ``1.02·0.5 = 0.5099`` from ``1.0198·0.5``)."""
    shown_total = fmt_number(total, fractions=fractions)
    texts: list[tuple[str, str]] = []
    for digits in range(4, 13):
        texts = [(fmt_number(a, digits=digits, fractions=fractions),
                  fmt_number(b, digits=digits, fractions=fractions)) for a, b in pairs]
        try:  # in floats: a last-bit error cannot move a 4-digit rounding that checks
            result = sum(_shown_float(a) * _shown_float(b) for a, b in texts)
        except (ValueError, ZeroDivisionError):  # nan, ∞: nothing to check
            break
        if fmt_number(result, fractions=fractions) == shown_total:
            break
    return texts, shown_total


_INVISIBLE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e"
                               "\u2066-\u2069\ufeff]")


def clean_text(text: str) -> str:
    """User text as it may appear in a file or page: line ends as ``\\n``, no control or
    direction-changing characters, no lone surrogates (each becomes U+FFFD).

    >>> clean_text("y = x # a\\r```\\r<x>\\x1b[2J\\u202e")
    'y = x # a\\n```\\n<x>[2J'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    return _INVISIBLE.sub("", text)
