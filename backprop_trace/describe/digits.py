"""Digits chosen once per trace, so every output shows a number the same way and every shown
piece of arithmetic checks.

Each quantity (a node's value, a running total of its gradient, a local partial, a
contribution) is shown with 4 significant digits unless some arithmetic that shows it needs
more: ``0.16667 · 4 = 0.6667``, never ``0.1667 · 4 = 0.6667``; a forward sum
``u₄ = u₃ + b`` whose shown terms add up to its shown value (``−6 + 6.8814 = 0.8814``).
A quantity's digits are the most any of its appearances needs, and the node box, the wire,
the caption, the narrative and the JSON all show it with those digits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from ..names import fmt_number

__all__ = ["DigitsBook", "Check", "shown_float", "BASE_DIGITS", "MAX_DIGITS"]

BASE_DIGITS: Final = 4
MAX_DIGITS: Final = 12


@lru_cache(maxsize=65536)  # a trace shows each number several times, at a few precisions
def _shown(value: float, digits: int, fraction: bool) -> str:
    return fmt_number(value, digits=digits, fractions=fraction)


def shown_float(text: str) -> float:
    """The value a shown number stands for: ``−1/3`` → −0.333…, ``2.5e−7`` → 2.5e-7."""
    text = text.replace("−", "-")
    if "/" in text:
        numerator, denominator = text.split("/")
        return int(numerator) / int(denominator)
    return float(text)


@dataclass(frozen=True)
class Check:
    """One piece of shown arithmetic: ``combine`` of the shown ``inputs`` must show as
    ``result`` does (``exact`` inputs are shown as typed: constants)."""

    inputs: tuple[Hashable, ...]
    combine: Callable[[Sequence[float]], float]
    result: Hashable


class DigitsBook:
    """The digits of every quantity of one trace (keys are any hashable names of quantities,
    values plain floats); ``settle`` raises digits until every check holds."""

    def __init__(self, values: Mapping[Hashable, float], fraction: bool,
                 exact: Mapping[Hashable, float] | None = None) -> None:
        self.values = values
        self.fraction = fraction
        self.exact = exact or {}
        """Quantities shown as typed (constants): never given more digits."""
        self.digits: dict[Hashable, int] = {}

    def of(self, key: Hashable) -> int:
        return self.digits.get(key, BASE_DIGITS)

    def text(self, key: Hashable) -> str:
        return _shown(self.values[key], self.of(key), self.fraction)

    def _value_shown(self, key: Hashable) -> float:
        if key in self.exact:
            return self.exact[key]
        return shown_float(self.text(key))

    def holds(self, check: Check) -> bool:
        try:
            result = check.combine([self._value_shown(k) for k in check.inputs])
        except (ValueError, ZeroDivisionError, OverflowError):
            return True  # nan, ∞, 0/0: nothing to check
        if not math.isfinite(result):
            return True
        return _shown(result, self.of(check.result), self.fraction) == self.text(check.result)

    def settle(self, checks: Sequence[Check],
               ties: Sequence[tuple[Hashable, Hashable]] = ()) -> None:
        """Raise digits until every check holds (or its inputs show MAX_DIGITS) and the two
        quantities of every tie (the same number passed on, ``1.4851 · 1 = 1.4851``) show the
        same digits: a worklist, each item re-examined when a quantity it reads or shows
        changes."""
        items: list[Check | tuple[Hashable, Hashable]] = [*checks, *ties]
        readers: dict[Hashable, list[int]] = {}
        for k, item in enumerate(items):
            keys = (*item.inputs, item.result) if isinstance(item, Check) else item
            for key in keys:
                readers.setdefault(key, []).append(k)
        pending = list(range(len(items)))
        queued = set(pending)
        while pending:
            k = pending.pop()
            queued.discard(k)
            item = items[k]
            if isinstance(item, Check):
                if not self._finite(item) or self.holds(item):
                    continue
                raised = [key for key in item.inputs if key not in self.exact]
                before = {key: self.of(key) for key in raised}
                while not self.holds(item) and any(self.of(key) < MAX_DIGITS for key in raised):
                    for key in raised:
                        self.digits[key] = min(MAX_DIGITS, self.of(key) + 1)
            else:
                raised = [key for key in item if key not in self.exact]
                before = {key: self.of(key) for key in raised}
                most = max(before.values(), default=BASE_DIGITS)
                for key in raised:
                    self.digits[key] = most
            for key in raised:
                if self.of(key) == before[key]:
                    continue  # unchanged: nothing that reads it can change
                for other in readers[key]:
                    if other not in queued:
                        queued.add(other)
                        pending.append(other)

    def _finite(self, check: Check) -> bool:
        return all(math.isfinite(self.values[key]) for key in (*check.inputs, check.result)
                   if key not in self.exact)
