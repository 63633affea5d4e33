"""The grammar: tokens → equations in postfix form, a whitelist over the lexer's tokens;
nothing is ever evaluated.

Grammar (precedence low to high, from the op table): ``+ −`` < ``× ÷`` and implicit products
(``3x``, ``2(x+1)``) < unary ``−`` < ``^`` and superscripts (right-associative, so
``−x² = −(x²)``) < numbers, names, calls ``f(a, b)``, ``( … )`` and ``√``. Equations are
``name = expr``, ``name(params) = expr`` or one bare expression, separated by ``;`` or new
lines.
"""

from __future__ import annotations

from ..errors import ParseError
from ..limits import Limits, recursion_room
from ..ops import INFIX, POWER, PRODUCT, UNARY, op_for_call
from .folding import fold_constant
from .lexer import Token, tokenize
from .syntax import Call, Equation, Expr, Name, Num, postfix

__all__ = ["parse_equations"]


def parse_equations(text: str, limits: Limits) -> tuple[list[Equation], int]:
    """The equations of ``text`` (bare expressions still unnamed) and how many numbers and
    operations they hold (the count ``limits.max_nodes`` bounds).

    >>> [eq.name for eq in parse_equations("u = f(x, y); x = x(a, b)", Limits())[0]]
    ['u', 'x']
    """
    parser = _Parser(tokenize(text, limits), text, limits)
    with recursion_room(limits.max_depth):  # the grammar recurses once a nesting level
        equations = [eq for group in parser.split_equations() for eq in parser.equation(group)]
    return equations, parser.count


class _Parser:
    def __init__(self, tokens: list[Token], text: str, limits: Limits) -> None:
        self.tokens, self.text, self.limits = tokens, text, limits
        self.pos = 0
        self.depth = 0
        self.count = 0
        self.prev = "start"  # kind of the last token consumed, for implicit products
        self.folded: dict[int, float] = {}  # id of a Call → its value, when all-constant

    # -- equations -------------------------------------------------------------------------

    def split_equations(self) -> list[tuple[int, int]]:
        """Token index ranges of the equations (separators at bracket depth 0)."""
        groups, start, depth = [], 0, 0
        for i, tok in enumerate(self.tokens):
            if tok.kind == "op" and tok.text == "(":
                depth += 1
            elif tok.kind == "op" and tok.text == ")":
                depth -= 1
            elif tok.kind in ("nl", "end") or (tok.text == ";" and depth == 0 and tok.kind == "op"):
                if i > start:
                    groups.append((start, i))
                start = i + 1
        return groups

    def equation(self, group: tuple[int, int]) -> list[Equation]:
        """One equation; ``c += e`` is ``c = c + e`` (read in order, see system.py);
        ``u = f(x) = e`` (the D2L form) is ``u = e`` and the function ``f(x) = e``."""
        start, stop = group
        self.folded.clear()  # ids of the last equation's dead nodes may come back
        equals = [i for i in range(start, stop) if self._is(self.tokens[i], "=")
                  and self._depth_at(i, start) == 0]
        if not equals:
            return [Equation("", (), postfix(self._expression(start, stop)),
                             self.tokens[start].offset, False)]
        last = equals[-1]
        if last + 1 == stop:
            self._fail("nothing after '=': write the expression on the right",
                       self.tokens[last])
        heads, begin = [], start
        for eq in equals:
            heads.append((begin, eq))
            begin = eq + 1
        if len(heads) > 2:
            self._fail("at most two names may be chained (u = f(x) = …)", self.tokens[equals[2]])
        augmented = None
        head_start, head_stop = heads[0]
        before = self.tokens[head_stop - 1]
        if len(heads) == 1 and head_stop - head_start == 2 and before.kind == "op" \
                and before.text in "+-*/" and self.tokens[head_start].kind == "name":
            augmented = before  # c += …
            head_stop -= 1
        expression = self._expression(last + 1, stop)
        offset = self.tokens[start].offset
        equations = []
        for head_start, head_stop in heads if augmented is None else [(head_start, head_stop)]:
            name, params = self._head(head_start, head_stop)
            if len(heads) == 2 and head_start == start and params:
                self._fail("in u = f(x) = …, the first name is the value's (u), the second the "
                           "function's (f(x))", self.tokens[head_start])
            if len(heads) == 2 and head_start != start and not params:
                self._fail("'=' only separates an equation's name from its expression (a chain "
                           "u = f(x) = … names a function second)", self.tokens[equals[1]])
            body = expression
            if augmented is not None:
                op = {"+": "add", "-": "sub", "*": "mul", "/": "div"}[augmented.text]
                body = Call(op, (Name(name, self.tokens[head_start].offset), expression),
                            augmented.offset)
            equations.append(Equation(name, params, postfix(body), offset,
                                      augmented=augmented is not None))
        return equations

    def _head(self, start: int, eq: int) -> tuple[str, tuple[str, ...]]:
        toks = self.tokens[start:eq]
        names = toks[0::2]
        if (len(toks) == 1 and toks[0].kind == "name") or (
            len(toks) >= 4 and toks[0].kind == "name" and self._is(toks[1], "(")
            and self._is(toks[-1], ")") and all(t.kind == "name" for t in toks[2:-1:2])
            and all(self._is(t, ",") for t in toks[3:-1:2])
        ):
            params = tuple(t.text for t in toks[2:-1:2])
            duplicates = sorted({p for p in params if params.count(p) > 1})
            if duplicates:
                self._fail(f"parameter {duplicates[0]!r} is listed twice", toks[0])
            return names[0].text, params
        self._fail("the left side of '=' must be a name (u = …) or a function head "
                   "(f(x, y) = …)", toks[0] if toks else self.tokens[eq])
        raise AssertionError("unreachable")

    def _depth_at(self, index: int, start: int) -> int:
        depth = 0
        for tok in self.tokens[start:index]:
            depth += self._is(tok, "(") - self._is(tok, ")")
        return depth

    def _expression(self, start: int, stop: int) -> Expr:
        self.pos, self.prev = start, "start"
        expr = self.expr(0)
        if self.pos < stop:
            self._unexpected(self.tokens[self.pos], "an operator or the end of the equation")
        return expr

    # -- expressions (Pratt parser: loops for left-associative chains, so a 20,000-term sum
    #    needs no deep recursion; nesting is bounded by limits.max_depth) -------------------

    def expr(self, right_power: int) -> Expr:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            self._fail(f"expression nested more than {self.limits.max_depth} levels deep "
                       f"(raise limits.max_depth)", self.tokens[self.pos])
        left = self.prefix()
        while True:
            tok = self.tokens[self.pos]
            if tok.kind == "op" and tok.text in INFIX:
                power, func = INFIX[tok.text]
                if power <= right_power:
                    break
                self.advance()
                right = self.expr(power - 1 if func == "pow" else power)
                left = self.make(func, (left, right), tok.offset)
            elif tok.kind == "sup":
                if POWER <= right_power:
                    break
                self.advance()
                left = self.make("pow", (left, self.superscript(tok)), tok.offset)
            elif tok.kind == "method":  # binds tighter than anything: -x.relu() = -(relu(x))
                left = self.method(left, tok)
            elif tok.kind == "transpose":  # as tight: −xᵀ = −(xᵀ)
                self.advance()
                left = self.make("transpose", (left,), tok.offset)
            elif self.implicit_product(tok):
                if PRODUCT <= right_power:
                    break
                op = "matmul" if self.prev == "transpose" else "mul"  # wᵀx: a matrix product
                left = self.make(op, (left, self.expr(PRODUCT)), tok.offset)
            else:
                break
        self.depth -= 1
        return left

    def prefix(self) -> Expr:
        tok = self.advance()
        if tok.kind == "num":
            self.count_node(tok)
            return Num(tok.text, float(tok.text), tok.offset)
        if tok.kind == "name":
            if self._is(self.tokens[self.pos], "("):
                return self.call(tok)
            return Name(tok.text, tok.offset)  # one node per name, counted by the graph stage
        if tok.kind == "sqrt":
            return self.make("sqrt", (self.expr(UNARY),), tok.offset)
        if self._is(tok, "-"):
            return self.make("neg", (self.expr(UNARY),), tok.offset)
        if self._is(tok, "+"):
            return self.expr(UNARY)
        if self._is(tok, "("):
            inner = self.expr(0)
            self.expect(")", "')' to close the '(' opened at column "
                        f"{tok.offset - self.text.rfind(chr(10), 0, tok.offset)}")
            return inner
        if tok.kind == "norm":  # ‖x‖ (‖x‖₂): the L2 norm
            inner = self.expr(0)
            if self.tokens[self.pos].kind != "norm":
                self._unexpected(self.tokens[self.pos], "'‖' to close the norm")
            self.advance()
            self.prev = "close"
            return self.make("norm", (inner,), tok.offset)
        self._unexpected(tok, "a number, a name or '('")
        raise AssertionError("unreachable")

    def call(self, name_tok: Token) -> Expr:
        self.advance()  # '('
        if self._is(self.tokens[self.pos], ")"):
            self._fail(f"{name_tok.text}() needs at least one argument", self.tokens[self.pos])
        args = [self.expr(0)]
        while self._is(self.tokens[self.pos], ","):
            self.advance()
            args.append(self.expr(0))
        self.expect(")", f"',' or ')' to end the arguments of {name_tok.text}(")
        op = op_for_call(name_tok.text)
        if op is None:
            self.count_node(name_tok)
            return Call(name_tok.text, tuple(args), name_tok.offset, abstract=True)
        if len(args) != op.arity:
            self._fail(f"{name_tok.text} takes {op.arity} argument{'s' * (op.arity > 1)}, "
                       f"got {len(args)}", name_tok)
        return self.make(op.name, tuple(args), name_tok.offset)

    def method(self, target: Expr, dot: Token) -> Expr:
        """``x.relu()``: a one-argument function written as micrograd's methods are."""
        self.advance()  # "."
        name = self.advance()
        if name.kind != "name":
            self._unexpected(name, "a method name after '.' (such as relu)")
        op = op_for_call(name.text)  # the lexer let through only METHODS with "()"
        assert op is not None and op.arity == 1
        self.advance()
        self.advance()
        return self.make(op.name, (target,), name.offset)

    def superscript(self, tok: Token) -> Expr:
        """A run of superscript characters (² , ⁻¹, ˣ) is the exponent, parsed on its own."""
        sub = _Parser(tokenize(tok.text, self.limits, base=tok.offset, source=self.text),
                      self.text, self.limits)
        sub.depth, sub.count, sub.folded = self.depth, self.count, self.folded
        exponent = sub._expression(0, len(sub.tokens) - 1)
        self.count = sub.count
        return exponent

    def implicit_product(self, tok: Token) -> bool:
        """``3x``, ``2(x+1)``, ``(a+b)(a−b)``, ``x²y``: juxtaposition after a number, a closing
        bracket or a superscript means multiplication (a name before ``(`` is a call); after
        a transpose it is a matrix product, ``xᵀy`` (see ``juxtaposed``)."""
        if self.prev not in ("num", "close", "sup", "transpose"):
            return False
        return tok.kind in ("name", "sqrt", "norm") or self._is(tok, "(")

    def make(self, func: str, args: tuple[Expr, ...], offset: int) -> Call:
        self.count += 1
        if self.count > self.limits.max_nodes:
            self._fail(f"more than {self.limits.max_nodes:,} operations (raise limits.max_nodes)",
                       self.tokens[max(self.pos - 1, 0)])
        call = Call(func, args, offset)
        values = [a.value if isinstance(a, Num) else self.folded.get(id(a)) for a in args]
        value = fold_constant(func, values, [a.offset for a in args], self.limits, self.text)
        if value is not None:
            self.folded[id(call)] = value
        return call
    # -- tokens ----------------------------------------------------------------------------

    def advance(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind != "end":
            self.pos += 1
        self.prev = "close" if self._is(tok, ")") else tok.kind
        return tok

    def expect(self, text: str, what: str) -> None:
        if not self._is(self.tokens[self.pos], text):
            self._unexpected(self.tokens[self.pos], what)
        self.advance()

    def count_node(self, tok: Token) -> None:
        self.count += 1
        if self.count > self.limits.max_nodes:
            self._fail(f"more than {self.limits.max_nodes:,} operations "
                       f"(raise limits.max_nodes)", tok)

    @staticmethod
    def _is(tok: Token, text: str) -> bool:
        return tok.kind == "op" and tok.text == text

    def _unexpected(self, tok: Token, expected: str) -> None:
        found = {"end": "the end of the input", "nl": "the end of the line"}.get(
            tok.kind, f"'{self.text[tok.offset]}'" if tok.kind in ("op", "sqrt") else
            f"{'number' if tok.kind == 'num' else 'name'} {tok.text!r}")
        if tok.kind == "sup":
            found = "a superscript"
        hint = ""
        if self._is(tok, "="):
            hint = " ('=' only separates an equation's name from its expression; keyword " \
                   "arguments such as f(x, key=1) are not allowed)"
        elif tok.kind in ("name", "num") and self.prev in ("name", "num", "close"):
            hint = " (missing operator? write * for a product)"
        self._fail(f"expected {expected}, found {found}{hint}", tok)

    def _fail(self, message: str, tok: Token) -> None:
        raise ParseError(message, self.text, tok.offset)
