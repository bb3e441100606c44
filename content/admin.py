from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from content.models import Page

admin.site.register(Page, SimpleHistoryAdmin)
