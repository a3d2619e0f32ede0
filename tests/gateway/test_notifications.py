"""Notifications delivered: the outbox, the dispatcher across a provider outage, preferences,
quiet hours, SKIP LOCKED claiming on PostgreSQL, the worker's refresh lock and the inbox API."""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from domain.listings import update_price
from domain.store import Creator, Notification, Product, Store
from domain.store.models import NotificationPreference, WorkerJob
from gateway.channels.dispatch import Dispatcher, adapters, delivery_summary, quiet_until
from gateway.settings import Settings
from gateway.worker import run_job_if_due
from tests.channel_support import FakeProvider

T0 = dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC)  # 11:30 in India: outside quiet hours
PHONE = "+919800000001"


@pytest.fixture()
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider().start()
    yield fake
    fake.stop()


def make_settings(tmp: Path, provider: FakeProvider, url: str | None = None) -> Settings:
    return Settings(
        env="test", data_dir=tmp, database_url=url or f"sqlite:///{tmp}/n.db", _env_file=None,
        jwt_secret="test-secret-0123456789abcdef-0123456789", dev_auth=True,
        twilio_account_sid="AC" + "1" * 32, twilio_auth_token="tok", twilio_sms_from="+15005550006",
        twilio_api_url=provider.url, whatsapp_api_url=provider.url, whatsapp_access_token="wa-tok",
        whatsapp_phone_number_id="106540352242922", notify_backoff_s=10, notify_max_attempts=4,
        channel_timeout_s=5,
    )


def small_store(url: str, creator_id: str = "c-9001") -> Store:
    store = Store.from_url(url)
    store.create_all()
    with store.session() as s:
        if s.get(Creator, creator_id) is None:
            s.add(Creator(id=creator_id, name="Test Maker", phone=PHONE, lat=25.3, lon=83.0,
                          region="Uttar Pradesh", primary_craft="Banarasi weaving",
                          category="textiles"))
            s.add(Product(id=f"p-9{creator_id[-4:]}", creator_id=creator_id, title="Silk saree",
                          category="textiles", price=5000.0, status="active"))
    return store


def notes(store: Store, user: str = "c-9001") -> list[Notification]:
    with store.session() as s:
        return list(s.scalars(select(Notification).where(Notification.user_id == user)
                              .order_by(Notification.id)))


def test_the_outbox_is_written_with_the_change_or_not_at_all(tmp_path: Path) -> None:
    """A price change and its notifications commit together; a rolled-back change leaves none."""
    store = small_store(f"sqlite:///{tmp_path}/n.db")
    with pytest.raises(RuntimeError), store.session() as s:
        update_price(s, actor_id="c-9001", role="creator", product_id="p-99001", new_price=6000)
        raise RuntimeError("the rest of the transaction failed")
    assert notes(store) == []
    with store.session() as s:
        update_price(s, actor_id="c-9001", role="creator", product_id="p-99001", new_price=6000)
    rows = notes(store)
    assert [(n.channel, n.delivery_status) for n in rows] == [("in_app", "pending"),
                                                              ("voice", "pending")]


def test_an_outage_loses_nothing_and_sends_nothing_twice(tmp_path: Path, provider) -> None:
    """WhatsApp and SMS fail for a while; each message arrives once when they recover."""
    settings = make_settings(tmp_path, provider)
    store = small_store(settings.database_url)
    with store.session() as s:
        s.add(NotificationPreference(user_id="c-9001", channels=["in_app", "whatsapp", "sms"]))
        update_price(s, actor_id="c-9001", role="creator", product_id="p-99001", new_price=6100)
    provider.fail_next = 3  # whatsapp and sms fail on the first pass, whatsapp again on the next
    with httpx.Client() as http:
        dispatcher = Dispatcher(store, settings, adapters(settings, http))
        first = dispatcher.run_once(now=T0)
        assert first.claimed == 2 and first.outcomes == {"delivered": 1, "queued": 1,
                                                         "retrying": 2}
        in_app, voice = notes(store)
        assert in_app.delivery_status == "pending" and voice.delivery_status == "delivered"
        assert voice.deliveries["voice"]["status"] == "queued"
        assert dispatcher.run_once(now=T0 + dt.timedelta(seconds=5)).claimed == 0  # not due yet
        second = dispatcher.run_once(now=T0 + dt.timedelta(seconds=11))
        assert second.outcomes == {"retrying": 1, "delivered": 1}  # sms through, whatsapp not
        third = dispatcher.run_once(now=T0 + dt.timedelta(seconds=40))
        assert third.outcomes == {"delivered": 1}
        for later in (60, 600, 6000):
            assert dispatcher.run_once(now=T0 + dt.timedelta(seconds=later)).claimed == 0
    wa = provider.sent("/106540352242922/messages")
    sms = provider.sent("/Messages.json")
    assert len(wa) == 1 and len(sms) == 1
    assert wa[0].json()["to"] == PHONE.lstrip("+") and "6,100" in wa[0].json()["text"]["body"]
    assert wa[0].headers["Authorization"] == "Bearer wa-tok"
    assert sms[0].form()["To"] == PHONE and "6,100" in sms[0].form()["Body"]
    in_app = notes(store)[0]
    assert in_app.delivery_status == "delivered"
    assert {k: v["status"] for k, v in in_app.deliveries.items()} == {
        "in_app": "delivered", "whatsapp": "delivered", "sms": "delivered"}
    assert in_app.deliveries["whatsapp"]["attempts"] == 3
    assert "whatsapp: delivered" in delivery_summary(in_app)


def test_refused_and_exhausted_deliveries_fail_visibly(tmp_path: Path, provider) -> None:
    """A 400 fails at once; a provider down past the attempts fails; the inbox says so."""
    settings = make_settings(tmp_path, provider)
    store = small_store(settings.database_url)
    with store.session() as s:
        s.add(Notification(user_id="c-9001", channel="whatsapp", kind="test", message="a"))
        s.add(Notification(user_id="c-9001", channel="sms", kind="test", message="b"))
    provider.fail_next, provider.fail_status = 1, 400
    with httpx.Client() as http:
        dispatcher = Dispatcher(store, settings, adapters(settings, http))
        dispatcher.run_once(now=T0)  # whatsapp: 400 → failed; sms delivered
        provider.fail_next, provider.fail_status = 100, 503
        with store.session() as s:
            s.add(Notification(user_id="c-9001", channel="sms", kind="test", message="c"))
        moment = T0
        for _ in range(6):
            moment += dt.timedelta(hours=2)
            dispatcher.run_once(now=moment)
    a, b, c = notes(store)
    assert a.delivery_status == "failed" and a.deliveries["whatsapp"]["attempts"] == 1
    assert b.delivery_status == "delivered"
    assert c.delivery_status == "failed" and c.deliveries["sms"]["attempts"] == 4


def test_quiet_hours_hold_messages_until_morning(tmp_path: Path, provider) -> None:
    """At 23:00 in India a WhatsApp waits until 08:00; the inbox has it at once."""
    settings = make_settings(tmp_path, provider)
    store = small_store(settings.database_url)
    night = dt.datetime(2026, 11, 2, 17, 30, tzinfo=dt.UTC)  # 23:00 IST
    with store.session() as s:
        pref = NotificationPreference(user_id="c-9001", channels=["whatsapp"], quiet_start_hour=21,
                                      quiet_end_hour=8, timezone="Asia/Kolkata")
        s.add(pref)
        s.add(Notification(user_id="c-9001", channel="in_app", kind="test", message="hello"))
    assert quiet_until(pref, night) == dt.datetime(2026, 11, 3, 2, 30, tzinfo=dt.UTC)
    assert quiet_until(pref, T0) is None
    with httpx.Client() as http:
        dispatcher = Dispatcher(store, settings, adapters(settings, http))
        assert dispatcher.run_once(now=night).outcomes == {"delivered": 1, "deferred": 1}
        assert dispatcher.run_once(now=night + dt.timedelta(hours=4)).claimed == 0
        assert provider.sent() == []
        assert dispatcher.run_once(now=night + dt.timedelta(hours=9)).outcomes == {"delivered": 1}
    assert len(provider.sent()) == 1


_PG = os.environ.get("QALAKAR_CHANNELS_PG_URL",
                     "postgresql+psycopg://postgres@127.0.0.1:5432/channels_db")


def _pg_available() -> bool:
    try:
        store = Store.from_url(_PG)
        with store.engine.connect():
            pass
        store.dispose()
        return True
    except Exception:
        return False


@pytest.mark.skipif(not _pg_available(), reason="needs PostgreSQL (createdb channels_db)")
def test_workers_share_postgres_with_skip_locked(tmp_path: Path, provider) -> None:
    """Three dispatchers at once on one PostgreSQL: every notification is sent exactly once."""
    settings = make_settings(tmp_path, provider, url=_PG)
    user = f"c-{uuid.uuid4().hex[:6]}"
    store = small_store(_PG, creator_id="c-9002")
    with store.session() as s:
        for row in s.scalars(select(Notification).where(Notification.delivery_status == "pending")):
            row.delivery_status = "failed"  # leftovers of earlier runs are not this test's
        for i in range(30):
            s.add(Notification(user_id=user, channel="sms", kind="test", message=f"m{i}",
                               payload={"to": PHONE}))
    provider.delay_s = 0.02  # the lock is held across the provider call, so workers overlap
    reports = []

    def work() -> None:
        with httpx.Client() as http:
            reports.append(Dispatcher(store, settings, adapters(settings, http)).run_once(now=T0))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    bodies = sorted(r.form()["Body"] for r in provider.sent("/Messages.json"))
    assert bodies == sorted(f"m{i}" for i in range(30))
    assert sum(r.claimed for r in reports) == 30
    assert sum(1 for r in reports if r.claimed) >= 2  # the work really was shared
    store.dispose()


def test_the_refresh_runs_once_per_interval(tmp_path: Path) -> None:
    """The worker's periodic job runs when due, and not again within its interval."""
    store = small_store(f"sqlite:///{tmp_path}/n.db")
    runs = []
    job = lambda: runs.append(1) or {"ok": True}  # noqa: E731
    assert run_job_if_due(store, "test-job", 60, job, now=T0) == {"ok": True}
    assert run_job_if_due(store, "test-job", 60, job, now=T0 + dt.timedelta(seconds=30)) is None
    assert run_job_if_due(store, "test-job", 60, job, now=T0 + dt.timedelta(seconds=61))
    assert len(runs) == 2
    with store.session() as s:
        assert s.get(WorkerJob, "test-job").last_result == {"ok": "True"}


def test_the_inbox_lists_newest_first_and_marks_read(tmp_path: Path, provider) -> None:
    """GET /api/v1/notifications pages the caller's own; POST …/read marks one, idempotently."""
    settings = make_settings(tmp_path, provider)
    store = small_store(settings.database_url)
    with store.session() as s:
        for i in range(5):
            s.add(Notification(user_id="c-9001", kind="test", message=f"n{i}",
                               created_at=T0 + dt.timedelta(minutes=i)))
        s.add(Notification(user_id="c-0002", kind="test", message="someone else's"))
    with TestClient(create_app_for(settings)) as client:
        token = client.post("/auth/dev-token", json={"user_id": "c-9001", "role": "creator"}).json()
        headers = {"Authorization": f"Bearer {token['token']}"}
        page = client.get("/api/v1/notifications?limit=2", headers=headers).json()
        assert [i["message"] for i in page["items"]] == ["n4", "n3"]
        assert page["total"] == 5 and page["unread"] == 5
        assert page["items"][0]["delivery_status"] == "pending"
        second = client.get("/api/v1/notifications?limit=2&offset=2", headers=headers).json()
        assert [i["message"] for i in second["items"]] == ["n2", "n1"]
        first_id = page["items"][0]["id"]
        read = client.post(f"/api/v1/notifications/{first_id}/read", headers=headers)
        assert read.status_code == 200 and read.json()["read_at"]
        again = client.post(f"/api/v1/notifications/{first_id}/read", headers=headers).json()
        assert again["read_at"] == read.json()["read_at"]
        assert client.get("/api/v1/notifications?unread=true", headers=headers).json()["total"] == 4
        with store.session() as s:
            other = s.scalars(select(Notification.id).where(Notification.user_id == "c-0002")).one()
        missing = client.post(f"/api/v1/notifications/{other}/read", headers=headers)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
        assert client.get("/api/v1/notifications").status_code == 401
        assert client.get("/api/v1/notifications?limit=1000", headers=headers).status_code == 400


def create_app_for(settings: Settings):  # FastAPI
    from gateway.app import create_app

    return create_app(settings)


def test_voice_notifications_are_spoken_once(tmp_path: Path, provider) -> None:
    """Queued by the worker, taken once by the next voice session; a notice already spoken in
    the session that made it is marked delivered and never queued for speaking again."""
    from gateway.channels.voice_inbox import (
        mark_spoken,
        spoken_with_notices,
        take_spoken_notices,
        voice_notification_ids,
    )

    settings = make_settings(tmp_path, provider)
    store = small_store(settings.database_url)
    with store.session() as s:
        away = update_price(s, actor_id="c-9001", role="creator", product_id="p-99001",
                            new_price=7000)
    assert take_spoken_notices(store, "c-9001") == []  # not dispatched yet
    with httpx.Client() as http:
        Dispatcher(store, settings, adapters(settings, http)).run_once(now=T0)
    said = take_spoken_notices(store, "c-9001")
    assert len(said) == 1 and "7,000" in said[0]
    assert take_spoken_notices(store, "c-9001") == []
    assert spoken_with_notices(said, "Hello.").startswith("You have a new notification.")
    voice = [n for n in notes(store) if n.channel == "voice"][0]
    assert voice.deliveries["voice"]["status"] == "delivered"
    with store.session() as s:
        here = update_price(s, actor_id="c-9001", role="creator", product_id="p-99001",
                            new_price=7100)
    ids = voice_notification_ids({"notifications": here.notifications})
    assert len(ids) == 1 and ids != voice_notification_ids({"notifications": away.notifications})
    mark_spoken(store, ids)
    with httpx.Client() as http:
        Dispatcher(store, settings, adapters(settings, http)).run_once(now=T0)
    assert take_spoken_notices(store, "c-9001") == []
    with store.session() as s:
        assert s.get(Notification, ids[0]).delivery_status == "delivered"


def test_an_older_database_gains_the_outbox_columns(tmp_path: Path) -> None:
    """A notifications table made before the outbox gets its columns; old rows count as sent."""
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notifications (id INTEGER PRIMARY KEY, user_id VARCHAR(24), "
                     "channel VARCHAR(16), kind VARCHAR(40), message TEXT, payload JSON, "
                     "created_at DATETIME, read_at DATETIME)")
        conn.execute("INSERT INTO notifications (user_id, channel, kind, message, payload, "
                     "created_at) VALUES ('c-0001', 'in_app', 'x', 'old', '{}', "
                     "'2026-01-01 00:00:00')")
    store = Store.from_url(f"sqlite:///{path}")
    store.create_all()
    store.create_all()  # idempotent
    with store.session() as s:
        old = s.get(Notification, 1)
        assert (old.delivery_status, old.attempts) == ("delivered", 0)
        s.add(Notification(user_id="c-0001", kind="k", message="new"))
    with store.session() as s:
        assert s.get(Notification, 2).delivery_status == "pending"


def test_qalakar_worker_once_delivers_through_the_cli(tmp_path: Path, provider) -> None:
    """``qalakar worker --once`` (a subprocess, as an operator runs it) delivers what is due."""
    import json
    import subprocess
    import sys

    store = small_store(f"sqlite:///{tmp_path}/w.db")
    with store.session() as s:
        s.add(Notification(user_id="c-9001", channel="sms", kind="test", message="from the worker"))
    store.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QALAKAR_")}
    env.update({"QALAKAR_DATABASE_URL": f"sqlite:///{tmp_path}/w.db",
                "QALAKAR_DATA_DIR": str(tmp_path), "QALAKAR_TWILIO_ACCOUNT_SID": "AC" + "2" * 32,
                "QALAKAR_TWILIO_AUTH_TOKEN": "tok", "QALAKAR_TWILIO_SMS_FROM": "+15005550006",
                "QALAKAR_TWILIO_API_URL": provider.url})
    out = subprocess.run([sys.executable, "-m", "gateway.cli", "worker", "--once", "--no-refresh"],
                         capture_output=True, text=True, env=env, timeout=120, check=False,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["claimed"] == 1 and figures["outcomes"] == {"delivered": 1}
    assert [r.form()["Body"] for r in provider.sent("/Messages.json")] == ["from the worker"]


def test_channels_without_credentials_are_skipped_not_failed(tmp_path: Path, provider) -> None:
    """A deployment without WhatsApp or SMS still delivers to the inbox: those are skipped."""
    settings = Settings(env="test", data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/s.db",
                        jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None)
    store = small_store(settings.database_url)
    with store.session() as s:
        s.add(NotificationPreference(user_id="c-9001", channels=["in_app", "whatsapp", "sms"]))
        s.add(Notification(user_id="c-9001", channel="in_app", kind="test", message="hi"))
    with httpx.Client() as http:
        report = Dispatcher(store, settings, adapters(settings, http)).run_once(now=T0)
    assert report.outcomes == {"delivered": 1, "skipped": 2}
    note = notes(store)[0]
    assert note.delivery_status == "delivered"
    assert "not set" in note.deliveries["whatsapp"]["reason"]
