"""Synthetic daily sales with festival build-ups, for the forecasting tests.

The series follows the shape of real craft sales: a weekly rhythm, a slow trend, Poisson noise
and a build-up before each festival of ``holidays.India`` that lifts demand ``uplift`` times.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from domain.forecasting.calendar import FESTIVALS, applies, festival_ramps
from domain.store import Store

WEEKDAY = np.array([0.9, 0.88, 0.9, 0.95, 1.05, 1.3, 1.35])


def festival_series(end: dt.date, days: int, *, level: float, uplift: float, seed: int,
                    region: str | None = "Uttar Pradesh", festivals: tuple[str, ...] = ("Diwali",)
                    ) -> pd.Series:
    """``days`` days of units ending on ``end``; listed festivals multiply demand by up to
    ``uplift`` on the day, ramping up over their build-up."""
    idx = pd.date_range(end - dt.timedelta(days=days - 1), end, freq="D")
    rng = np.random.default_rng(seed)
    mult = WEEKDAY[idx.weekday] * (1 + 0.2 * np.arange(days) / 365)
    ramps = festival_ramps(idx, region)
    for fest in FESTIVALS:
        if fest.label in festivals and applies(fest, region):
            mult = mult * (1 + (uplift - 1) * np.clip(ramps[fest.label], 0, 1) ** 1.2)
    return pd.Series(rng.poisson(level * mult).astype(float), index=idx)


_SEEDED: dict[str, str] = {}


def private_marketplace(directory: Path) -> Store:
    """A SQLite copy of the seed-42 marketplace in ``directory`` (seeded once per process,
    then copied), for tests that write prices, forecasts and notifications."""
    if "path" not in _SEEDED:
        from domain.seed import seed

        source = Path(tempfile.mkdtemp(prefix="qalakar-intel-")) / "seed.db"
        store = Store.from_url(f"sqlite:///{source}")
        seed(store, seed=42, reset=True, progress=False)
        with store.engine.connect() as conn:  # fold the WAL into the file before copying
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.dispose()
        _SEEDED["path"] = str(source)
    target = directory / "marketplace.db"
    shutil.copyfile(_SEEDED["path"], target)
    store = Store.from_url(f"sqlite:///{target}")
    store.create_all()
    return store
