from django.contrib import admin

from booking.models import ServiceArea, VisitRequest

admin.site.register(ServiceArea)
admin.site.register(VisitRequest)
