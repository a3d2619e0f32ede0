"""Property 57: heritage documentation is readable by researchers, tourists and others."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import PermissionDenied
from knowledge.access import HERITAGE_READERS, can_read, require_reader


@settings(max_examples=100)
@given(st.sampled_from(["researcher", "tourist", "cultural_organization", "buyer", "creator"]),
       st.sampled_from([str.lower, str.upper, str.title]))
def test_property_57_heritage_documentation_access(role: str, case) -> None:
    """Property 57: Heritage Documentation Access — the named roles may read heritage docs."""
    assert can_read(case(role))
    require_reader(case(role))


@settings(max_examples=100)
@given(st.text(min_size=1, max_size=20).filter(lambda r: r.strip().lower() not in HERITAGE_READERS))
def test_other_roles_are_refused(role: str) -> None:
    assert not can_read(role)
    with pytest.raises(PermissionDenied):
        require_reader(role)
