"""Spell ॲ as the one letter U+0972 in the guide's translations already stored.

The Marathi seed files once typed it as two characters, अ and a vowel sign
(U+0905 U+0945), which browsers draw with a dotted circle. load_guide never
overwrites a translation, so the databases that loaded those files keep the
old spelling until this runs.

Each changed row is saved one by one (there are a handful) and given a history
record by hand: the models a migration works with are the frozen ones, which
send no signal to django-simple-history, and a coordinator comparing versions
in admin should see who changed the text and why. Saving also moves
`updated_at`, so the guide's pages get a new Last-Modified and browsers fetch
them afresh. Nothing is undone on reversal: the old spelling was a mistake.
"""

from django.db import migrations
from django.utils import timezone

WRONG = "\u0905\u0945"  # अ and the vowel sign candra e
RIGHT = "\u0972"  # ॲ
TEXT_FIELDS = ("title", "summary", "body")
REASON = "Spelling: ॲ as the one letter U+0972, not U+0905 U+0945"
# Everything the historical model copies from a translation.
COPIED_FIELDS = (
    "id",
    "page_id",
    "language",
    "title",
    "summary",
    "body",
    "last_reviewed",
    "next_review_due",
    "reviewer",
    "updated_at",
)


def respell(apps, schema_editor):
    PageTranslation = apps.get_model("content", "PageTranslation")
    HistoricalPageTranslation = apps.get_model("content", "HistoricalPageTranslation")
    using = schema_editor.connection.alias
    for translation in PageTranslation.objects.using(using).order_by("pk"):
        changed = [name for name in TEXT_FIELDS if WRONG in getattr(translation, name)]
        if not changed:
            continue
        for name in changed:
            setattr(translation, name, getattr(translation, name).replace(WRONG, RIGHT))
        translation.save(using=using, update_fields=[*changed, "updated_at"])
        HistoricalPageTranslation.objects.using(using).create(
            **{name: getattr(translation, name) for name in COPIED_FIELDS},
            history_date=timezone.now(),
            history_type="~",
            history_change_reason=REASON,
            history_user=None,
        )


class Migration(migrations.Migration):
    dependencies = [("content", "0006_coordinators_edit_the_guide")]

    operations = [migrations.RunPython(respell, migrations.RunPython.noop)]
