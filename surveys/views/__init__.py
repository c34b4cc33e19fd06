"""The survey pages: `public` (the customer's answer page, no login), `manage`
(marketing's surveys), `results` (CSAT and NPS over time, CSV)."""
