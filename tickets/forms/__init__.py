"""The desk's forms, one module per group of pages (as tickets/views/):

- `ticket`: the agent's ticket page (reply, properties, merge) and logging a ticket
- `inbox`: the inbox's filters, saved views, bulk changes, availability
- `helpdesk`: the internal IT helpdesk, as the requester sees it
- `macros`: a macro's form
- `common`: what they share (tags typed as a comma-separated list)

They check shape only; the rules are the services', whose ValidationErrors come back on
the same fields (accounts.forms.apply_service_errors).
"""
