"""Skills of the embedded planner, one module per tool, plus small talk."""
