"""The customer record's forms, one module per group of pages (as crm/views/):
`contacts`, `organisations`, `imports`, `exports`. They check shape; the rules are the
services', whose ValidationErrors come back on the same fields."""
