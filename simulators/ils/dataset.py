"""The ILS simulator's data file: the library (patrons, items, loans, holds, fines) to serve.

Reads the JSON format documented in docs/simulators.md (`format: knygomatas-ils-1`) into a
Library model and the SIP2 login accounts. Dates in the file are relative to `today` (loans
`out_days_ago`, `due_in_days`; holds `placed_days_ago`, `waiting_days_ago`; cards
`expires_in_days`), so the demo data never goes stale. A wrong file gives one DatasetError
naming the file and the key; never a half-loaded library.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simulators.models.ils import Fine, Hold, Item, Library, Loan, Location, Patron, Rules
from simulators.models.ils_catalogue import end_of_day

DEMO_LIBRARY = Path(__file__).with_name("data") / "demo_library.json"
T = TypeVar("T")
_NOT_ON_THE_WIRE = re.compile(r"[|\r\n\x00]")
Money = Annotated[Decimal, Field(ge=0, decimal_places=2)]


class DatasetError(Exception):
    """The data file is missing, not JSON, or does not describe a consistent library."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*")
    @classmethod
    def _fits_sip2(cls, value: object) -> object:
        # every text ends up in a SIP2 field: no delimiter, no line ends, at most 255 chars
        if isinstance(value, str) and (_NOT_ON_THE_WIRE.search(value) or len(value) > 255):
            raise ValueError("must be at most 255 characters without | or line breaks")
        return value


class AccountData(_Strict):
    user: str = Field(min_length=1)
    password: str
    location: str = ""


class _RulesData(_Strict):
    loan_days: dict[str, int] | None = None
    renewals: dict[str, int] | None = None
    max_loans: dict[str, int] | None = None
    max_holds: int = 5
    max_overdue: int = 5
    fine_limit: Money = Decimal("5.00")
    daily_fine: Money = Decimal("0.10")
    max_fine_per_item: Money = Decimal("3.00")
    hold_shelf_days: int = 7
    currency: str = Field(default="EUR", min_length=3, max_length=3)


class _LocationData(_Strict):
    code: str = Field(min_length=1)
    name: str
    branch: str = Field(min_length=1)


class _PatronData(_Strict):
    barcode: str = Field(min_length=1)
    name: str
    pin: str
    category: str = "adult"
    expires: date | None = None
    expires_in_days: int | None = None
    blocked: str = ""
    card_lost: bool = False
    email: str = ""
    phone: str = ""
    address: str = ""
    note: str = ""  # for the technician; not sent over SIP2


class _ItemData(_Strict):
    barcode: str = Field(min_length=1)
    title: str
    author: str = ""
    type: str = "book"
    home: str = "ABONEMENTAS"
    call_number: str = ""
    parts: int = Field(default=1, ge=1)
    media_type: str = Field(default="001", pattern=r"^\d{3}$")
    magnetic_media: bool = False


class _LoanData(_Strict):
    item: str
    patron: str
    out_days_ago: int = Field(default=0, ge=0)
    due_in_days: int | None = None
    renewals: int = Field(default=0, ge=0)


class _HoldData(_Strict):
    patron: str
    item: str
    pickup: str
    placed_days_ago: int = Field(default=0, ge=0)
    waiting_days_ago: int | None = Field(default=None, ge=0)


class _FineData(_Strict):
    patron: str
    amount: Money
    description: str
    fee_type: str = Field(default="01", pattern=r"^\d{2}$")
    item: str = ""


class LibraryData(_Strict):
    format: str = Field(pattern=r"^knygomatas-ils-1$")
    institution: str = Field(min_length=1)
    name: str
    accounts: list[AccountData] = Field(min_length=1)
    rules: _RulesData = _RulesData()
    locations: list[_LocationData] = []
    patrons: list[_PatronData] = []
    items: list[_ItemData] = []
    loans: list[_LoanData] = []
    holds: list[_HoldData] = []
    fines: list[_FineData] = []


def load_library(
    path: Path | str = DEMO_LIBRARY, today: date | None = None
) -> tuple[Library, tuple[AccountData, ...]]:
    """Read `path` into a fresh Library and its SIP2 accounts, dates relative to `today`."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise DatasetError(f"{path}: not valid JSON: {exc}") from None
    try:
        data = LibraryData.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        raise DatasetError(f"{path}: {where}: {error['msg']}") from None
    try:
        library = build_library(data, today or date.today())
    except ValueError as exc:
        raise DatasetError(f"{path}: {exc}") from None
    return library, tuple(data.accounts)


def build_library(data: LibraryData, today: date) -> Library:
    """The Library a validated data file describes; ValueError names an inconsistent record."""
    rules = data.rules.model_dump(exclude_none=True)
    library = Library(
        Rules(**rules),
        {loc.code: Location(loc.code, loc.name, loc.branch) for loc in data.locations},
        data.institution,
        data.name,
    )
    _unique("patrons", [p.barcode for p in data.patrons])
    _unique("items", [i.barcode for i in data.items])
    _unique("loans", [loan.item for loan in data.loans])
    for p in data.patrons:
        library.add_patron(_patron(p, today))
    for i in data.items:
        library.add_item(_item(i))
    start_of_today = datetime.combine(today, time(10, 0))
    for n, loan in enumerate(data.loans):
        _add(library.add_loan, _loan(library, loan, start_of_today), f"loans.{n}")
    for n, hold in enumerate(data.holds):
        _add(library.add_hold, _hold(library, hold, start_of_today, n), f"holds.{n}")
    for n, fine in enumerate(data.fines):
        record = Fine(
            f"F{n + 1:04d}", fine.patron, fine.amount, fine.description, fine.fee_type, fine.item
        )
        _add(library.add_fine, record, f"fines.{n}")
    return library


def _unique(table: str, keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"{table}: {key!r} appears twice")
        seen.add(key)


def _add(adder: Callable[[T], object], record: T, where: str) -> None:
    try:
        adder(record)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _patron(p: _PatronData, today: date) -> Patron:
    expires = p.expires
    if p.expires_in_days is not None:
        expires = today + timedelta(days=p.expires_in_days)
    return Patron(
        p.barcode, p.name, p.pin, p.category, expires, p.blocked, p.card_lost,
        p.email, p.phone, p.address,
    )  # fmt: skip


def _item(i: _ItemData) -> Item:
    return Item(
        i.barcode, i.title, i.author, i.type, i.home, i.call_number, i.parts, i.media_type,
        i.magnetic_media,
    )  # fmt: skip


def _loan(library: Library, loan: _LoanData, now: datetime) -> Loan:
    start = now - timedelta(days=loan.out_days_ago)
    item = library.item(loan.item)
    if item is None:
        raise ValueError(f"loans: unknown item {loan.item!r}")
    if loan.due_in_days is not None:
        due = end_of_day((now + timedelta(days=loan.due_in_days)).date())
    else:
        due = library.due_date(item, start)
    return Loan(loan.item, loan.patron, start, due, loan.renewals)


def _hold(library: Library, hold: _HoldData, now: datetime, n: int) -> Hold:
    waiting = None
    expires = None
    if hold.waiting_days_ago is not None:
        waiting = now - timedelta(days=hold.waiting_days_ago)
        expires = (waiting + timedelta(days=library.rules.hold_shelf_days)).date()
    placed = now - timedelta(days=hold.placed_days_ago)
    return Hold(
        f"H{n + 1:04d}", hold.patron, hold.item, placed, hold.pickup, waiting, False, expires
    )
