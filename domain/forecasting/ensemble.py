"""A weighted ensemble of sktime forecasters whose weights come from a rolling-origin backtest.

Members (all on ``log1p`` of the series, so forecasts stay non-negative):

* ``theta``    — additive deseasonalisation at period ``sp`` + the Theta method
* ``ets``      — Holt-Winters exponential smoothing, damped additive trend, additive season
* ``calendar`` — a ridge regression of the series on calendar features (``YfromX``): weekday,
  festival build-ups from ``holidays.India``, seasons, trend; for series without a calendar,
  trend and season dummies

Each member is backtested on ``folds`` expanding-window origins; the weights are learned from
those backtest errors (inverse mean squared error, Bates and Granger), not fixed. Prediction
intervals are split-conformal: quantiles of the ensemble's backtest residuals on the log scale,
widened beyond the backtest horizon.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sktime.forecasting.base import ForecastingHorizon
from sktime.forecasting.compose import TransformedTargetForecaster, YfromX
from sktime.forecasting.exp_smoothing import ExponentialSmoothing
from sktime.forecasting.theta import ThetaForecaster
from sktime.split import ExpandingWindowSplitter
from sktime.transformations.series.boxcox import LogTransformer
from sktime.transformations.series.detrend import Deseasonalizer

from domain.errors import InsufficientData

MEMBERS = ("theta", "ets", "calendar")
# sktime 1.2 warns in every forecaster's ``__init__`` (clones made during ``fit`` included) that
# the default of ``remember_data`` changes in 1.3. ``set_config`` only runs after ``__init__``,
# so the members are built from subclasses whose class-level config says it explicitly: no
# member updates incrementally, so none needs the data it was fitted on.
_CONFIG = {"remember_data": False}


class _Theta(ThetaForecaster):
    _config = _CONFIG


class _ExponentialSmoothing(ExponentialSmoothing):
    _config = _CONFIG


class _YfromX(YfromX):
    _config = _CONFIG


class _Pipeline(TransformedTargetForecaster):
    _config = _CONFIG

Features = Callable[[pd.PeriodIndex], pd.DataFrame]


@dataclass(frozen=True)
class EnsembleConfig:
    """How to backtest and combine."""

    sp: int = 7  # seasonal period: 7 for daily data, 12 for monthly
    backtest_horizon: int = 28
    folds: int = 3
    step: int | None = None  # between origins (default: the backtest horizon)
    coverage: float = 0.9
    members: tuple[str, ...] = MEMBERS
    # Theta and ETS model level, trend and the weekly rhythm: the last half year is plenty,
    # and fitting them on it keeps a cold forecast near a second.
    local_window: int | None = 182


@dataclass
class EnsembleForecast:
    """Point forecasts, intervals, the learned weights and backtest errors."""

    predicted: pd.Series
    lower: pd.Series
    upper: pd.Series
    weights: dict[str, float]
    member_predictions: dict[str, pd.Series]
    metrics: dict[str, float]
    member_metrics: dict[str, dict[str, float]] = field(default_factory=dict)


def seasonal_dummies(index: pd.PeriodIndex, sp: int, origin: pd.Period) -> pd.DataFrame:
    """Trend and one-hot season position: the calendar of a series without one."""
    steps = np.array([(p - origin).n for p in index], dtype=float)
    frame = {"trend": steps / max(sp, 1)}
    for k in range(1, sp):
        frame[f"season_{k}"] = (np.mod(steps, sp) == k).astype(float)
    return pd.DataFrame(frame, index=index)


def _member(name: str, sp: int) -> TransformedTargetForecaster:
    log = ("log", LogTransformer(offset=1))
    if name == "theta":
        deseason = [("deseason", Deseasonalizer(model="additive", sp=sp))] if sp > 1 else []
        steps = [log, *deseason, ("theta", _Theta(deseasonalize=False))]
    elif name == "ets":
        steps = [log, ("ets", _ExponentialSmoothing(trend="add", damped_trend=True,
                                                   seasonal="add" if sp > 1 else None,
                                                   sp=max(sp, 1), use_brute=False))]
    elif name == "calendar":
        steps = [log, ("regress", _YfromX(Ridge(alpha=1.0)))]
    else:
        raise ValueError(f"unknown member {name!r}")
    forecaster = _Pipeline(steps)
    forecaster.set_config(warnings="off")
    return forecaster


class EventEffects:
    """Calendar adjustment: the log-scale effect of event columns (festival build-ups, lulls).

    Fitted by ridge regression on one history together with the other calendar features.

    Members forecast the series with these effects removed; the effects of the forecast days
    are put back afterwards. So every member, not only the regression, knows Diwali is coming.
    """

    def __init__(self, features: Features, prefixes: tuple[str, ...] = ("fest:", "lull:"),
                 alpha: float = 1.0) -> None:
        self.features, self.prefixes, self.alpha = features, prefixes, alpha
        self.columns: list[str] = []
        self.coef = np.zeros(0)

    def fit(self, y: pd.Series) -> EventEffects:
        """Estimate the effects on ``y``."""
        x = self.features(pd.PeriodIndex(y.index))
        self.columns = [c for c in x.columns if c.startswith(self.prefixes)]
        if self.columns:
            model = Ridge(alpha=self.alpha).fit(x.to_numpy(), np.log1p(y.to_numpy()))
            coef = dict(zip(x.columns, model.coef_, strict=True))
            self.coef = np.array([coef[c] for c in self.columns])
        return self

    def effect(self, index: pd.PeriodIndex) -> np.ndarray:
        """Log-scale event effect of each period in ``index``."""
        if not self.columns:
            return np.zeros(len(index))
        return self.features(index)[self.columns].to_numpy() @ self.coef


def _fold(y: pd.Series, fh_index: pd.PeriodIndex, config: EnsembleConfig,
          features: Features | None, events: Features | None) -> dict[str, pd.Series]:
    """Every member fitted on ``y`` (event effects removed) and predicting ``fh_index``."""
    effects = EventEffects(events).fit(y) if events is not None else None
    y_fit = y
    if effects is not None:
        y_fit = pd.Series(np.clip(np.expm1(np.log1p(y.to_numpy())
                                           - effects.effect(pd.PeriodIndex(y.index))),
                                  0, None), index=y.index)
    out = {}
    for m in config.members:
        local = y_fit.iloc[-config.local_window:] if config.local_window and m != "calendar" \
            and len(y_fit) > config.local_window else y_fit
        pred = _fit_predict(m, local, fh_index, config.sp, features)
        if effects is not None:
            pred = pd.Series(np.expm1(np.log1p(pred.to_numpy()) + effects.effect(fh_index)),
                             index=fh_index, name=m).clip(lower=0.0)
        out[m] = pred
    return out


def _fit_predict(name: str, y: pd.Series, fh_index: pd.PeriodIndex, sp: int,
                 features: Features | None) -> pd.Series:
    fh = ForecastingHorizon(fh_index, is_relative=False)
    with warnings.catch_warnings():
        # statsmodels convergence chatter on short folds
        warnings.simplefilter("ignore")
        forecaster = _member(name, sp)
        if name == "calendar":
            feats = features or (lambda idx: seasonal_dummies(idx, sp, y.index[0]))
            forecaster.fit(y, X=feats(pd.PeriodIndex(y.index)))
            pred = forecaster.predict(fh, X=feats(fh_index))
        else:
            forecaster.fit(y)
            pred = forecaster.predict(fh)
    return pred.clip(lower=0.0).rename(name)


def _mase(y_true: np.ndarray, y_pred: np.ndarray, y_train: np.ndarray, sp: int) -> float:
    scale = np.mean(np.abs(y_train[sp:] - y_train[:-sp])) if len(y_train) > sp else np.nan
    if not scale or not np.isfinite(scale):
        scale = np.mean(np.abs(np.diff(y_train))) or 1.0
    return float(np.mean(np.abs(y_true - y_pred)) / scale)


def learn_weights(backtest: dict[str, np.ndarray], truth: np.ndarray) -> dict[str, float]:
    """Weights inversely proportional to each member's backtest mean squared error.

    Bates and Granger's combination. Stacking by non-negative least squares was tried and
    overfits the few backtest windows: on the benchmark it lost to its best member, while
    inverse-MSE weights matched or beat it (``bench/bench_intelligence.py``).
    """
    mse = {m: float(np.mean((np.asarray(p, dtype=float) - truth) ** 2))
           for m, p in backtest.items()}
    inverse = {m: 1.0 / max(v, 1e-9) for m, v in mse.items()}
    total = sum(inverse.values())
    return {m: v / total for m, v in inverse.items()}


def min_length(config: EnsembleConfig) -> int:
    """The shortest series the backtest can run on."""
    step = config.step or config.backtest_horizon
    return 2 * config.sp + config.backtest_horizon + (config.folds - 1) * step + 1


def forecast(y: pd.Series, horizon: int, *, config: EnsembleConfig | None = None,
             features: Features | None = None, events: Features | None = None
             ) -> EnsembleForecast:
    """Backtest, weigh and refit the members on ``y`` (a ``PeriodIndex`` series).

    Predict ``horizon`` steps after its end. ``features`` feed the calendar member; ``events`` (a
    feature function whose event columns start ``fest:``/``lull:``) turn on calendar adjustment of
    every member.
    """
    config = config or EnsembleConfig()
    if len(y) < min_length(config) and config.sp > 1 \
            and len(y) >= min_length(replace(config, sp=1)):
        # Too short to learn a season from: members model level and trend only.
        config = replace(config, sp=1)
    if len(y) < min_length(config):
        raise InsufficientData(
            f"{len(y)} observations are too few to backtest; {min_length(config)} needed",
            found=len(y), required=min_length(config))
    y = y.astype(float)
    hb, step = config.backtest_horizon, config.step or config.backtest_horizon
    initial = len(y) - hb - (config.folds - 1) * step
    splitter = ExpandingWindowSplitter(fh=np.arange(1, hb + 1), initial_window=initial,
                                       step_length=step)
    actual: list[np.ndarray] = []
    preds: dict[str, list[np.ndarray]] = {m: [] for m in config.members}
    scales: list[tuple[np.ndarray, np.ndarray]] = []
    for train_idx, test_idx in splitter.split(y):
        train, test = y.iloc[train_idx], y.iloc[test_idx]
        actual.append(test.to_numpy())
        scales.append((train.to_numpy(), test.to_numpy()))
        for m, pred in _fold(train, test.index, config, features, events).items():
            preds[m].append(pred.to_numpy())
    truth = np.concatenate(actual)
    weights = learn_weights({m: np.concatenate(p) for m, p in preds.items()}, truth)

    ens_folds = [np.sum([weights[m] * preds[m][k] for m in config.members], axis=0)
                 for k in range(len(actual))]
    ens_bt = np.concatenate(ens_folds)

    def scores(folds_pred: list[np.ndarray]) -> dict[str, float]:
        flat = np.concatenate(folds_pred)
        return {"mae": float(np.mean(np.abs(flat - truth))),
                "rmse": float(np.sqrt(np.mean((flat - truth) ** 2))),
                "mase": float(np.mean([_mase(t, p, tr, config.sp)
                                       for (tr, t), p in zip(scales, folds_pred, strict=True)]))}

    metrics = scores(ens_folds)
    metrics["backtest_folds"] = float(len(actual))
    metrics["backtest_horizon"] = float(hb)
    metrics["seasonal_period"] = float(config.sp)
    member_metrics = {m: scores(preds[m]) for m in config.members}

    last = y.index[-1]
    fh_index = pd.period_range(last + 1, periods=horizon, freq=pd.PeriodIndex(y.index).freq)
    member_predictions = _fold(y, fh_index, config, features, events)
    predicted = sum(weights[m] * member_predictions[m] for m in config.members)
    assert isinstance(predicted, pd.Series)

    # Split-conformal interval on the log scale; leads past the backtest horizon widen ~√h.
    resid = np.log1p(truth) - np.log1p(np.clip(ens_bt, 0, None))
    alpha = (1 - config.coverage) / 2
    lo_q, hi_q = np.quantile(resid, alpha), np.quantile(resid, 1 - alpha)
    widen = np.sqrt(np.maximum(1.0, np.arange(1, horizon + 1) / hb))
    base = np.log1p(predicted.to_numpy())
    lower = pd.Series(np.clip(np.expm1(base + lo_q * widen), 0, None), index=fh_index)
    upper = pd.Series(np.expm1(base + hi_q * widen), index=fh_index)
    upper = pd.Series(np.maximum(upper.to_numpy(), predicted.to_numpy()), index=fh_index)
    lower = pd.Series(np.minimum(lower.to_numpy(), predicted.to_numpy()), index=fh_index)
    return EnsembleForecast(predicted.rename("predicted"), lower, upper, weights,
                            member_predictions, metrics, member_metrics)
