"""The customer record's pages, one module per group of pages:

- `contacts`: list, create, edit, the customer page and its timeline, notes, calls,
  consent, history, merge, GDPR export and erasure
- `organisations`: list and suggestions, create, edit, the organisation's page
- `search`: the header search
- `imports`, `exports`: CSV imports; the contact list's CSV/XLSX export
- `common`: what they share (page size, permission flags, a timeline page)
"""
