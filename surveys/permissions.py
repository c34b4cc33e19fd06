"""Who may do what with surveys (issue 13, "Permissions").

- Marketing (and admins) manage surveys: create, change, send an NPS survey.
- Supervisors read the results (and marketing, who run the surveys).
- Agents see the answers where they work: on the ticket and on the customer page.
- Sales, HR, IT and integrations see nothing of it.
"""

from __future__ import annotations

from accounts.roles import Role

SURVEYS_MANAGE = (Role.MARKETING, Role.ADMIN)
SURVEYS_RESULTS = (Role.SUPERVISOR, Role.MARKETING, Role.ADMIN)
SURVEYS_ON_RECORD = (Role.AGENT, Role.SUPERVISOR, Role.MARKETING, Role.ADMIN)
