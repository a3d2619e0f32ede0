"""Cluster display names do not double their town (issue 17: "Madhubani Madhubani painting")."""

from __future__ import annotations

from domain.catalog import CLUSTERS


def test_no_cluster_name_repeats_its_town() -> None:
    for cluster in CLUSTERS:
        words = cluster.name.casefold().split()
        assert words[0] != words[1], cluster.name
        assert cluster.town.casefold() in cluster.name.casefold(), cluster.name
    names = {c.id: c.name for c in CLUSTERS}
    assert names["k-004"] == "Madhubani painting"
    assert names["k-002"] == "Jaipur blue pottery"
