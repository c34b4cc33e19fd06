"""The supervisor's live view: `figures` (per queue, team and agent, a constant number of
queries), `drilldown` (the tickets and calls behind each figure)."""
