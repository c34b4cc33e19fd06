"""The telemarketing rules on phone campaigns' call lists (DOMAIN.md, "Campaigns and call
tracking"):

- `rules`: the pure arithmetic (calling window, 4 calls in 30 days, 60 days after a
  refusal);
- `checks`: what the call list, the outcome service and the API ask: why each contact is
  held back now (`statuses_for`), read in a fixed number of queries;
- `bloctel`: the opt-out list's CSV import.
"""
