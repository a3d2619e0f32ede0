"""Who may read heritage documentation (seed property 57).

Heritage knowledge is public-interest material: besides the marketplace's own roles it is open to
researchers, tourists and cultural organisations. Tools check :func:`require_reader` so that a
role added to the gateway later gets the same answer everywhere.
"""

from __future__ import annotations

from domain.errors import PermissionDenied

#: Roles of the marketplace (the gateway's JWT roles) that read heritage documents.
MARKETPLACE_READERS = frozenset({"buyer", "creator", "admin", "evaluator"})
#: Roles named by seed property 57 for heritage documentation.
HERITAGE_ROLES = frozenset({"researcher", "tourist", "cultural_organization"})
HERITAGE_READERS = MARKETPLACE_READERS | HERITAGE_ROLES


def can_read(role: str) -> bool:
    """True when ``role`` may read heritage documentation."""
    return role.strip().lower() in HERITAGE_READERS


def require_reader(role: str) -> None:
    """Raise ``PermissionDenied`` unless ``role`` may read heritage documentation."""
    if not can_read(role):
        raise PermissionDenied(
            f"the {role!r} role may not read heritage documentation",
            field="role", allowed_roles=sorted(HERITAGE_READERS),
        )
