"""The marketplace store: SQLAlchemy 2.x models and the database handle.

Engines that need tables of their own put them in ``domain/store/models_<area>.py``; every such
module is imported here so ``Store.create_all`` creates them too.
"""

import importlib as _importlib
import pkgutil as _pkgutil

from domain.store.db import Store
from domain.store.models import (
    AuditEntry,
    Base,
    Buyer,
    Cluster,
    Creator,
    DailySales,
    Notification,
    Order,
    Product,
    Review,
)

__all__ = [
    "AuditEntry",
    "Base",
    "Buyer",
    "Cluster",
    "Creator",
    "DailySales",
    "Notification",
    "Order",
    "Product",
    "Review",
    "Store",
]

for _info in _pkgutil.iter_modules(__path__):
    if _info.name.startswith("models_"):
        _importlib.import_module(f"{__name__}.{_info.name}")

from domain.store import changes  # noqa: E402 - needs the models above

changes.install_change_tracking()
