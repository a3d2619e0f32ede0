"""The forecast cache and the refresh that notifies creators (props 44 and 46 in the store)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

import domain.forecasting.service as service
from domain.errors import InsufficientData
from domain.forecasting.service import ForecastCache, refresh_forecasts
from domain.store import Creator, DailySales, Notification
from domain.store.models_intelligence import ForecastRecord
from tests.domain.forecast_support import private_marketplace

PAIR = ("pottery", "Rajasthan")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A private copy of the seeded marketplace: the refresh writes notifications."""
    s = private_marketplace(tmp_path_factory.mktemp("forecast"))
    yield s
    s.dispose()


def _count(store, kind: str) -> int:
    with store.session() as s:
        return s.scalar(select(func.count(Notification.id)).where(Notification.kind == kind))


def test_cache_answers_from_memory_then_from_the_table(store, monkeypatch) -> None:
    calls = []
    real = service.forecast_demand
    monkeypatch.setattr(service, "forecast_demand",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    cache = ForecastCache()
    first = cache.get(store, "toys", "Karnataka", 30)
    again = cache.get(store, "toys", "Karnataka", 90)
    assert len(calls) == 1 and again.points[:30] == first.points and len(again.points) == 90
    fresh_process = ForecastCache().get(store, "toys", "Karnataka", 30)
    assert len(calls) == 1 and fresh_process.points == first.points
    with store.session() as s:
        rows = s.scalar(select(func.count(ForecastRecord.id)).where(
            ForecastRecord.category == "toys", ForecastRecord.region == "Karnataka"))
    assert rows == 1


def test_no_sales_is_insufficient_history(store) -> None:
    with pytest.raises(InsufficientData) as err:
        ForecastCache().get(store, "glass", "Kerala", 30)
    assert "no glass sales in Kerala" in err.value.message


def test_refresh_alerts_creators_to_the_diwali_peak_once(store) -> None:
    before = _count(store, "seasonal_peak")
    report = refresh_forecasts(store, pairs=[PAIR])
    with store.session() as s:
        creators = set(s.scalars(select(Creator.id).where(Creator.category == PAIR[0],
                                                          Creator.region == PAIR[1])))
        notes = list(s.scalars(select(Notification).where(Notification.kind == "seasonal_peak",
                                                          Notification.id > 0)))
    assert report.computed == 1 and report.peak_notifications >= len(creators) > 0
    diwali = [n for n in notes if n.payload.get("peak_date") == "2026-11-08"]
    assert {n.user_id for n in diwali} == creators
    assert all("Diwali" in n.message for n in diwali)
    again = refresh_forecasts(store, pairs=[PAIR])
    assert again.peak_notifications == 0 and _count(store, "seasonal_peak") == before + \
        report.peak_notifications
    assert again.changed == []  # same data, same forecast


def test_a_materially_changed_forecast_notifies_creators(store) -> None:
    refresh_forecasts(store, pairs=[PAIR])
    with store.session() as s:
        last = s.scalar(select(func.max(DailySales.day)))
        creators = list(s.scalars(select(Creator.id).where(Creator.category == PAIR[0],
                                                           Creator.region == PAIR[1])))
        # Three weeks of sales at four times the usual pace: a new market.
        for k in range(1, 22):
            for cid in creators:
                s.add(DailySales(day=last + dt.timedelta(days=k), creator_id=cid,
                                 category=PAIR[0], region=PAIR[1], units=12, revenue=12 * 800.0))
    before = _count(store, "forecast_change")
    report = refresh_forecasts(store, pairs=[PAIR])
    assert report.changed == [PAIR]
    assert report.change_notifications == len(creators)
    assert _count(store, "forecast_change") == before + len(creators)
    with store.session() as s:
        note = s.scalars(select(Notification).where(Notification.kind == "forecast_change")
                         .order_by(Notification.id.desc())).first()
        assert note.payload["category"] == "pottery" and "plan about" in note.message
        old, new = note.payload["old_total_30d"], note.payload["new_total_30d"]
        assert abs(new - old) / old > 0.25
