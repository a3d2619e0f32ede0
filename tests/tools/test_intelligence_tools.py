"""The four intelligence tools on the seeded marketplace: registry, REST and a chat turn each."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from domain.store import Notification
from gateway.app import create_app
from gateway.auth import issue_token
from tools import load_all
from tools.registry import ToolConfig, ToolContext, ToolError

REGISTRY = load_all()
SAREE = {"category": "textiles", "materials": ["silk"], "weight_kg": 2, "production_hours": 40}


@pytest.fixture(scope="module")
def ctx(seeded_store, data_dir):
    return ToolContext("c-0003", "creator", seeded_store, config=ToolConfig(data_dir=data_dir))


def _call(ctx: ToolContext, name: str, args: dict, role: str | None = None,
          user: str | None = None):
    c = ToolContext(user or ctx.user_id, role or ctx.role, ctx.store, config=ctx.config)
    return REGISTRY.invoke(name, args, c)


def test_golden_price_for_a_creator_uses_their_region(ctx) -> None:
    r = _call(ctx, "golden_price", SAREE)
    assert 0 < r.price_range.min <= r.golden_price <= r.price_range.max
    assert r.wage_region == "Uttar Pradesh" and r.currency == "INR"
    assert r.breakdown.transport > 0 and r.breakdown.materials > 0
    assert 0 < r.confidence < 1 and r.similar_items > 0
    jaipur = _call(ctx, "golden_price", {**SAREE, "location": "Jaipur"})
    assert jaipur.wage_region == "Rajasthan"


@pytest.mark.parametrize(("args", "field"), [
    ({**SAREE, "materials": ["unobtanium"]}, "materials"),
    ({**SAREE, "materials": []}, "materials"),
    ({**SAREE, "category": "spaceships"}, "category"),
    ({**SAREE, "weight_kg": -1}, "weight_kg"),
    ({k: v for k, v in SAREE.items() if k != "production_hours"}, "production_hours"),
])
def test_bad_pricing_input_names_the_field(ctx, args, field) -> None:
    with pytest.raises(ToolError) as err:
        _call(ctx, "golden_price", args)
    assert err.value.code == "VALIDATION_ERROR" and err.value.details["field"] == field


def test_unknown_material_lists_the_known_ones(ctx) -> None:
    with pytest.raises(ToolError) as err:
        _call(ctx, "golden_price", {**SAREE, "materials": ["silk", "kryptonite"]})
    assert "brass" in err.value.details["known"] and "kryptonite" in err.value.message


def test_roles_are_enforced(ctx) -> None:
    for name, args, role in (("golden_price", SAREE, "buyer"),
                             ("demand_forecast", {"category": "pottery"}, "buyer"),
                             ("production_plan", {"category": "pottery", "planned_quantity": 5,
                                                  "unit_cost": 10}, "admin"),
                             ("inventory_health", {}, "buyer")):
        with pytest.raises(ToolError) as err:
            _call(ctx, name, args, role=role, user="x-1")
        assert err.value.code == "FORBIDDEN"


def test_demand_forecast_for_a_region_named_by_a_town(ctx) -> None:
    r = _call(ctx, "demand_forecast", {"category": "pottery", "region": "Jaipur",
                                       "horizon_days": 30})
    assert r.region == "Rajasthan" and len(r.forecast) == 30
    assert all(d.lower <= d.predicted <= d.upper for d in r.forecast)
    assert any("Diwali" in p.reason for p in r.seasonal_peaks)
    assert {"mae", "rmse", "mase"} <= set(r.model_metrics)
    assert r.key_drivers and r.recommended_production >= 0


@pytest.mark.parametrize("short", ["UP", "up", "Up "])
def test_demand_forecast_for_a_state_written_short(ctx, short: str) -> None:
    r = _call(ctx, "demand_forecast", {"category": "glass", "region": short, "horizon_days": 14})
    assert r.region == "Uttar Pradesh" and len(r.forecast) == 14


def test_admin_forecast_nationwide_and_missing_history(ctx) -> None:
    r = _call(ctx, "demand_forecast", {"category": "metalware", "region": "all",
                                       "horizon_days": 14}, role="admin", user="admin-1")
    assert r.region is None and len(r.forecast) == 14
    with pytest.raises(ToolError) as err:
        _call(ctx, "demand_forecast", {"category": "glass", "region": "Kerala"})
    assert err.value.code == "INSUFFICIENT_HISTORY" and err.value.status == 422
    with pytest.raises(ToolError) as err:
        _call(ctx, "demand_forecast", {"category": "glass", "region": "Atlantis Nowhere"})
    assert err.value.code == "UNKNOWN_PLACE"


def test_a_production_plan_in_a_state_without_history_uses_the_nation(ctx) -> None:
    """The forecast refuses Kerala's glass (no sales there yet); the plan still gets a demand."""
    r = _call(ctx, "production_plan", {"category": "glass", "planned_quantity": 200,
                                       "unit_cost": 40, "region": "Kerala"})
    assert r.region is None and r.recommended_quantity >= 0


def test_production_plan_warns_on_capital_and_over_production(ctx) -> None:
    r = _call(ctx, "production_plan", {"category": "textiles", "planned_quantity": 400,
                                       "unit_cost": 3000, "capital": 100_000})
    assert r.risk_level == "high" and r.capital_share > 0.4
    assert any("reduce the quantity" in w for w in r.warnings)
    assert r.recommended_quantity <= r.forecast_demand + r.safety_margin
    calm = _call(ctx, "production_plan", {"category": "textiles", "planned_quantity": 1,
                                          "unit_cost": 100, "current_inventory": 0})
    assert calm.recommended_quantity == int(calm.forecast_demand + calm.safety_margin)


def test_inventory_health_reads_only_the_callers_stock(ctx) -> None:
    r = _call(ctx, "inventory_health", {})
    assert r.listings_checked > 0 and r.suggestions
    for f in r.unsold_over_60_days:
        assert f.days_unsold > 60 and "promote" in f.suggestion
    with ctx.store.session() as s:
        from domain.store import Product

        owners = {s.get(Product, f.product_id).creator_id
                  for f in r.slow_moving + r.unsold_over_60_days}
    assert owners <= {"c-0003"}


def test_failed_calls_write_nothing(ctx) -> None:
    with ctx.store.session() as s:
        before = s.scalar(select(func.count(Notification.id)))
    with pytest.raises(ToolError):
        _call(ctx, "production_plan", {"category": "textiles", "planned_quantity": 0,
                                       "unit_cost": 5})
    with ctx.store.session() as s:
        assert s.scalar(select(func.count(Notification.id))) == before


@pytest.fixture(scope="module")
def client(seeded_store, data_dir, database_url):
    from gateway.settings import Settings

    settings = Settings(env="test", data_dir=data_dir, database_url=database_url, dev_auth=True,
                        jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None)
    with TestClient(create_app(settings)) as c:
        c.settings = settings
        yield c


def _auth(client, user: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(client.settings, user, role)}"}


@pytest.mark.parametrize(("name", "args", "key"), [
    ("golden_price", SAREE, "golden_price"),
    ("demand_forecast", {"category": "toys", "region": "Karnataka", "horizon_days": 21},
     "seasonal_peaks"),
    ("production_plan", {"category": "textiles", "planned_quantity": 20, "unit_cost": 2500},
     "recommended_quantity"),
    ("inventory_health", {}, "unsold_over_60_days"),
])
def test_rest_invocation(client, name, args, key) -> None:
    r = client.post(f"/api/v1/tools/{name}", json=args, headers=_auth(client, "c-0003", "creator"))
    assert r.status_code == 200, r.text
    assert key in r.json()


def test_rest_errors_use_the_envelope(client) -> None:
    r = client.post("/api/v1/tools/golden_price", json={**SAREE, "weight_kg": "heavy"},
                    headers=_auth(client, "c-0003", "creator"))
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "VALIDATION_ERROR"
    assert r.json()["error"]["details"]["field"] == "weight_kg"
    r = client.post("/api/v1/tools/demand_forecast", json={"category": "glass",
                                                           "region": "Kerala"},
                    headers=_auth(client, "c-0003", "creator"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "INSUFFICIENT_HISTORY"


@pytest.fixture(scope="module")
def assistant(seeded_store, data_dir):
    from langgraph.checkpoint.memory import InMemorySaver

    from agents.assistant import Assistant
    from agents.planners.embedded import EmbeddedPlanner

    return Assistant(EmbeddedPlanner(), REGISTRY, seeded_store, InMemorySaver(),
                     tool_config=ToolConfig(data_dir=data_dir))


def _say(assistant, text: str, session: str):
    return asyncio.run(assistant.turn(user_id="c-0003", role="creator", session_id=session,
                                      text=text))


def test_chat_prices_a_saree(assistant) -> None:
    turn = _say(assistant, "what should I charge for a silk saree, 2 kg, took me 40 hours", "gp")
    assert [(c["name"], c["args"]) for c in turn.tool_calls] == [("golden_price", {
        "category": "textiles", "materials": ["silk"], "weight_kg": 2.0,
        "production_hours": 40.0})]
    assert turn.tool_results[0]["ok"] and "₹" in turn.reply


def test_chat_asks_for_the_plan_then_advises(assistant) -> None:
    first = _say(assistant, "how many diyas should I make for Diwali", "pp")
    assert not first.tool_calls and "how many" in first.reply.lower()
    _say(assistant, "about 300", "pp")
    last = _say(assistant, "12 rupees each", "pp")
    call = last.tool_calls[0]
    assert call["name"] == "production_plan"
    assert call["args"] == {"category": "pottery", "planned_quantity": 300, "unit_cost": 12.0}
    assert last.tool_results[0]["ok"] and "Make about" in last.reply


def test_chat_forecast_and_stock(assistant) -> None:
    turn = _say(assistant, "how will pottery sell in rajasthan over the next two months", "df")
    assert turn.tool_calls[0]["name"] == "demand_forecast"
    assert turn.tool_calls[0]["args"] == {"category": "pottery", "region": "Rajasthan",
                                          "horizon_days": 60}
    assert turn.tool_results[0]["ok"] and "Diwali" in turn.reply
    stock = _say(assistant, "which of my things are just sitting unsold", "ih")
    assert stock.tool_calls[0]["name"] == "inventory_health" and stock.tool_results[0]["ok"]
    assert "listings" in stock.reply
