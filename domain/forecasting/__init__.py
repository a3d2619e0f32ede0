"""The Demand Forecasting Engine (seed props 5, 43-47): an sktime ensemble over daily sales.

    DomainError
    ├── InvalidInput       a horizon outside 1-365 days                → VALIDATION_ERROR
    └── InsufficientData   under 90 days of history (and no fallback)  → INSUFFICIENT_HISTORY

``ensemble.forecast`` is the generic backtested ensemble (daily or monthly series);
``demand.forecast_demand`` adds festivals, peaks and drivers; ``service`` caches per
(category, region, day) and refreshes off the request path with creator notifications.
"""

from domain.forecasting.demand import (
    MIN_HISTORY_DAYS,
    DemandForecast,
    ForecastPoint,
    Peak,
    daily_series,
    forecast_demand,
)
from domain.forecasting.ensemble import EnsembleConfig, EnsembleForecast, forecast, learn_weights

__all__ = [
    "MIN_HISTORY_DAYS", "DemandForecast", "EnsembleConfig", "EnsembleForecast", "ForecastPoint",
    "Peak", "daily_series", "forecast", "forecast_demand", "learn_weights",
]
