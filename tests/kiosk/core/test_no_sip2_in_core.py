"""kiosk/core speaks the kiosk's words (kiosk/core/vocabulary.py), never SIP2: no circulation
status, alert, fee or payment code, no field id, no name or string that says "sip2".

What is scanned is code: identifiers, string literals and comments. Docstrings are prose and
may name the spec a backend follows; they are left out. A two-digit or two-capital string is
a SIP2 code or field id wherever it stands (a comparison, a ``case``, a default, a constant, a
dict key), except as the argument of a prefix/suffix test on free text (``startswith("00")``
on a phone number is a dialling prefix, not a code). The controls at the bottom prove that
the checker catches each form, so the scan cannot pass vacuously.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[3] / "kiosk" / "core"
CODE = re.compile(r"^(?:\d{2}|[A-Z]{2})$")  # "04" (a status, fee type …), "AV" (a field id)
SIP2 = re.compile(r"sip\s*-?\s*2", re.IGNORECASE)
PREFIX_TESTS = frozenset({"startswith", "endswith", "removeprefix", "removesuffix"})


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the Constant nodes that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _prefix_arguments(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in PREFIX_TESTS
        ):
            found.update(id(arg) for arg in node.args)
    return found


def sip2_in(source: str) -> list[str]:
    """Every SIP2 code, field id or "sip2" in the code of `source`, as "line: what"."""
    tree = ast.parse(source)
    prose = _docstrings(tree)
    prefixes = _prefix_arguments(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) in prose:
            continue
        if CODE.match(node.value) and id(node) not in prefixes:
            found.append(f"{node.lineno}: code {node.value!r}")
        elif SIP2.search(node.value):
            found.append(f"{node.lineno}: string {node.value!r}")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.NAME, tokenize.COMMENT) and SIP2.search(token.string):
            found.append(
                f"{token.start[0]}: {tokenize.tok_name[token.type].lower()} {token.string}"
            )
    return sorted(set(found), key=lambda f: int(f.split(":")[0]))


def core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_the_scan_covers_the_whole_core() -> None:
    names = {p.relative_to(CORE).as_posix() for p in core_modules()}
    assert len(names) > 40
    assert {"model.py", "ports.py", "vocabulary.py"} <= names
    assert {"circulation/borrow.py", "circulation/envelope.py"} <= names


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: p.relative_to(CORE).as_posix())
def test_no_sip2_in_core_module(path: Path) -> None:
    assert sip2_in(path.read_text(encoding="utf-8")) == []


# ---- controls: the checker catches every form it is there for --------------------------

CAUGHT = [
    ('def on_loan(item):\n    return item.circulation_status == "04"\n', "code '04'"),
    ('match status:\n    case "08" | "07":\n        pass\n', "code '08'"),
    ('async def fee_paid(card, *, fee_type: str = "01"): ...\n', "code '01'"),
    ('HOLD_HERE = "01"  # alert type\n', "code '01'"),
    ('if status in {"03", "09"}:\n    pass\n', "code '03'"),
    ('fines = patron.get("AV")\n', "code 'AV'"),
    ("from backend_sync.sip2 import mapping\n", "name sip2"),
    ("def redact_sip2(text): ...\n", "name redact_sip2"),
    ("x = 1  # the SIP2 client says so\n", "comment # the SIP2 client says so"),
    ('log = "knygomatas.sip2"\n', "string 'knygomatas.sip2'"),
]


@pytest.mark.parametrize(("source", "what"), CAUGHT)
def test_the_checker_catches(source: str, what: str) -> None:
    assert what in [finding.split(": ", 1)[1] for finding in sip2_in(source)]


def test_the_checker_leaves_prose_and_text_prefixes_alone() -> None:
    source = (
        '"""Follows SIP2 2.00: status "04" is on loan."""\n'
        "def check_phone(compact):\n"
        '    """Digits after "00" (AV, AB …)."""\n'
        '    return compact.startswith("00")\n'
    )
    assert sip2_in(source) == []
