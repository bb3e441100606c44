"""Staff triage in Django admin, one module per concern.

Every change to a request goes through booking/workflow.py or
booking/privacy.py (buttons on the request page, bulk actions on the list);
the admin never saves a request, an event or a message itself. Who may do
what is asked of permissions.py; README "Where things are" lists the modules.

Importing the modules registers their ModelAdmins (Django's autodiscover
imports this package).
"""

from booking.admin import areas, calls, messages, patients, requests, rows  # noqa: F401
