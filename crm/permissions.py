"""Who may do what with the shared customer record."""

from __future__ import annotations

from accounts.roles import Role

# Everyone who deals with customers reads the record; IT and HR work on staff, not customers.
CRM_READ = (Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.MARKETING, Role.ADMIN)
# Creating and editing contacts, notes and calls.
CRM_WRITE = (Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.ADMIN)
CRM_MERGE = (Role.SUPERVISOR, Role.ADMIN)
CRM_IMPORT = (Role.SUPERVISOR, Role.ADMIN)
CRM_EXPORT = (Role.SUPERVISOR, Role.MARKETING, Role.ADMIN)
# GDPR export and erasure (issue: restricted to admin).
CRM_PRIVACY = (Role.ADMIN,)
