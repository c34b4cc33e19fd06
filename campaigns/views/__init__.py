"""Campaigns' pages: `segments` (builder, live count), `campaigns` (list, form, page,
progress, results), `numbers` (tracking numbers), `calls` (call lists, surge), `public`
(unsubscribe, the provider's webhooks)."""
