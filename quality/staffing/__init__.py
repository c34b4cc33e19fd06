"""Staffing: `erlang` (pure Erlang C in log space, shrinkage) and `plan` (a week's plan
per queue from the same weekday and interval over the last N weeks, plus surges)."""
