from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Page(models.Model):
    """One page of the immunotherapy guide, edited by staff in admin."""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("The page's address."))
    summary = models.CharField(
        _("summary"),
        max_length=200,
        help_text=_("One or two sentences; also the description search engines show."),
    )
    body = models.TextField(
        _("body"), help_text=_("Markdown. Scripts and unsafe markup are removed when shown.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent page"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    order = models.PositiveSmallIntegerField(_("order in the guide"), default=0)
    is_published = models.BooleanField(_("published"), default=True)
    last_reviewed = models.DateField(_("last reviewed"))
    next_review_due = models.DateField(_("next review due"))
    reviewer = models.CharField(_("reviewer"), max_length=120)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("guide page")
        verbose_name_plural = _("guide pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("content:page", kwargs={"slug": self.slug})
