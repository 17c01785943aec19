"""Lists that grow without limit, shown a page at a time the way /walks/ is: `?page=N`, a fixed
number of rows a page, "Page 2 of 7" with previous and next links (templates/_pager.html).

Offset paging: these lists are read a page or two deep, in an order that puts what staff act on
first, and hold thousands of rows rather than millions; the million-row triage list has keyset
paging of its own (fieldapp/triage/queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    number: int
    pages: int
    total: int


def requested_page() -> int:
    """The `page` query argument, 1 when absent.

    :raise 400: not a positive whole number of at most six digits (a page link was mangled).
    """
    # Imported here: services use Page and paginate without Flask; only views call this.
    from flask import request
    from flask_babel import gettext as _

    from fieldapp.errors import abort_with

    page = request.args.get("page", "1")
    if not page.isdigit() or len(page) > 6 or int(page) == 0:
        abort_with(400, _("The page number is not valid. Go back to the first page."))
    return int(page)


def clamp_page(total: int, number: int, per_page: int) -> tuple[int, int]:
    """(page number, pages) for `total` rows: a page number past the end gives the last page,
    so a link kept from a longer list works; an empty list has one (empty) page."""
    pages = max(1, -(-total // per_page))
    return min(max(1, number), pages), pages


def paginate(session: Session, query: Select, number: int, per_page: int) -> Page:
    """Rows `number` of `query` (ordered, with a tie-breaker) and how many pages there are."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number, pages = clamp_page(total, number, per_page)
    rows = list(session.scalars(query.offset((number - 1) * per_page).limit(per_page)))
    return Page(rows, number, pages, total)
