"""Planners: the embedded NLU planner (default) and the LLM planner (OpenAI-compatible)."""

from agents.planners.base import Emit, Plan, Planner

__all__ = ["Emit", "Plan", "Planner"]
