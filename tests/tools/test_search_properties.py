"""Property tests of the search tool against the seeded marketplace."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.catalog import CLUSTERS
from domain.places import distance_km
from tools import load_all
from tools.registry import ToolContext

REGISTRY = load_all()

centres = st.one_of(
    st.sampled_from([c.town for c in CLUSTERS]),
    st.builds(lambda lat, lon: {"lat": lat, "lon": lon},
              st.floats(8.0, 34.0, allow_nan=False), st.floats(69.0, 92.0, allow_nan=False)),
)
queries = st.sampled_from(
    [None, "pottery", "silk saree", "brass lamp", "toy", "painting", "basket"]
)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(centre=centres, radius=st.floats(1.0, 400.0, allow_nan=False), query=queries)
def test_every_result_lies_within_the_radius(seeded_store, centre, radius, query) -> None:
    """Property 15: Hyperlocal Search Radius Constraint — every product and creator returned lies
    within R km of the search centre."""
    ctx = ToolContext("b-0001", "buyer", seeded_store)
    args = {"location": centre, "radius_km": radius, "limit": 50}
    if query:
        args["query"] = query
    result = REGISTRY.invoke("search_products", args, ctx)
    centre_point = (result.center["lat"], result.center["lon"])
    for creator in result.creators:
        assert distance_km(centre_point, (creator["lat"], creator["lon"])) <= radius + 1e-6
    for product in result.products:
        assert product.distance_km is not None and product.distance_km <= radius + 0.01


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_no_radius_means_nationwide(seeded_store, query) -> None:
    """Property 37: Multi-Scale Discovery Support — without a radius the search is nationwide."""
    ctx = ToolContext("b-0001", "buyer", seeded_store)
    result = REGISTRY.invoke("search_products", {"query": query} if query else {}, ctx)
    assert result.total > 0
    assert result.radius_km is None
