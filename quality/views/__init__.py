"""Supervision pages: `live` (the landing page, drill-downs and actions), `kpis`,
`staffing`."""
