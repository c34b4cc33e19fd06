"""The crm REST API: permissions, organisations, contacts, timeline, notes, consents,
calls, merges, GDPR."""
