from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from content.models import Page


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "content/home.html", {"pages": Page.objects.filter(is_published=True, parent=None)})


@require_safe
def guide(request: HttpRequest) -> HttpResponse:
    return render(request, "content/guide.html", {"pages": Page.objects.filter(is_published=True)})


@require_safe
def page(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Page, slug=slug, is_published=True)
    return render(request, "content/page.html", {"page": obj})
