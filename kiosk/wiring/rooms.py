"""Room booking from [rooms]: the LibCal client (one base-URL rule for everyone: a trailing
"/" and the API's "/1.1" are the client's to add) and the cached rooms service over its
SQLite cache. The touch app's room screens, `kiosk rooms …` and `kiosk monitor` get them here.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from backend_sync.rooms.cache import RoomsCache
from backend_sync.rooms.libcal_client import LibCalClient
from backend_sync.rooms.sync import CachedRooms
from kiosk.core.rooms.model import CategoryRules
from kiosk.settings.model import Settings
from kiosk.settings.rooms import RoomRulesSection, RoomsSection


def libcal_base_url(url: str) -> str:
    """`https://x.libcal.com/1.1/`, `…/1.1` and `…/` all mean `https://x.libcal.com`."""
    return url.rstrip("/").removesuffix("/1.1").rstrip("/")


def rules_of(rooms: RoomsSection, cid: int) -> CategoryRules:
    """The booking rules of one LibCal category: its own table, else the [rooms.rules]."""
    section: RoomRulesSection = rooms.category_rules.get(cid, rooms.rules)
    return CategoryRules(**section.model_dump())


def rooms_section(settings: Settings) -> RoomsSection:
    if settings.rooms is None:
        raise ValueError("the configuration has no [rooms] table")
    return settings.rooms


def libcal_client_from(settings: Settings, *, retries: int | None = None) -> LibCalClient:
    """The LibCal client of [rooms]; ``retries=0`` for a probe that must answer at once."""
    rooms = rooms_section(settings)
    return LibCalClient(
        libcal_base_url(rooms.base_url),
        rooms.client_id,
        rooms.client_secret.get_secret_value(),
        tz=ZoneInfo(settings.kiosk.timezone),
        rules_for=lambda cid: rules_of(rooms, cid),
        timeout_s=rooms.timeout_s,
        retries=rooms.retries if retries is None else retries,
        backoff_s=rooms.backoff_s,
        page_limit=rooms.page_limit,
        ids_per_request=rooms.ids_per_request,
    )


def rooms_from(settings: Settings) -> CachedRooms:
    """The rooms service: LibCal behind the local cache ([rooms] cache_file under data_dir)."""
    rooms = rooms_section(settings)
    path = Path(rooms.cache_file)
    if not path.is_absolute():
        path = Path(settings.kiosk.data_dir) / path
    return CachedRooms(
        libcal_client_from(settings),
        RoomsCache(path),
        location_ids=tuple(rooms.location_ids),
        refresh_every=timedelta(seconds=rooms.refresh_s),
        static_every=timedelta(seconds=rooms.static_refresh_s),
        stale_after=timedelta(seconds=rooms.stale_after_s),
    )
