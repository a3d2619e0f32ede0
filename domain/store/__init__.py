"""The marketplace store: SQLAlchemy 2.x models and the database handle.

Engines that need tables of their own put them in ``domain/store/models_<area>.py`` and list
that module in the import below, so ``Store.create_all`` creates their tables too.
"""

# Imported for their tables (SQLAlchemy registers models on Base as they are defined).
from domain.store import (
    models_changes,
    models_intelligence,
    models_listings,
    models_verification,
)
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
    "changes",
    "models_changes",
    "models_intelligence",
    "models_listings",
    "models_verification",
]

# After the models: the change tracking that keeps caches in every process up to date.
from domain.store import changes

changes.install_change_tracking()
