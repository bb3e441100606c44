"""Correct two starting pages in databases that still hold their seeded text.

- "What is immunotherapy?" opened its body with the sentence its summary (shown
  just above it, as the page's opening paragraph) had already said.
- "Immunotherapy at home" promised "Mumbai, Thane and Navi Mumbai", while only
  Mumbai and parts of Thane and Navi Mumbai are served; it now points to the
  list of PIN codes (/areas/, from the service areas staff keep in admin).

load_guide never overwrites a page, so the corrected seed files reach only new
databases. Here a body is changed only while it is exactly the seeded text
(its SHA-256 below): a page a coordinator has edited is left as they wrote it,
for them to correct in admin. Each change gets a history record, as in 0007,
and a new `updated_at`, so browsers fetch the pages afresh. Nothing is undone
on reversal.
"""

import hashlib

from django.db import migrations
from django.utils import timezone

REASON = "Seeded text corrected: no repeated opening sentence; the areas served as they are"

# (slug, language): (SHA-256 of the seeded body, the paragraph it had, the one it gets).
CORRECTIONS = {
    ("what-is-immunotherapy", "en"): (
        "9e5660440575f41c8eefd6349c0ffc1e7f5913bcf9870d45e0784d0f09492dae",
        "Immunotherapy is a kind of cancer treatment. It helps your body's own defences"
        " to fight the cancer.\n\n",
        "",
    ),
    ("what-is-immunotherapy", "hi"): (
        "099d7bfb116bbacd87017786402780373563ec23c9677cf2ceeddd485c54141f",
        "इम्यूनोथेरेपी कैंसर के इलाज का एक तरीक़ा है। यह आपके शरीर की अपनी रक्षा-शक्ति को"
        " कैंसर से लड़ने में मदद करती है।\n\n",
        "",
    ),
    ("what-is-immunotherapy", "mr"): (
        "48d0a3c43130a62b28f05c52285fe2746fc8114233f4bf46f01578186dd0c00d",
        "इम्युनोथेरपी हा कॅन्सरवरचा एक उपचार आहे. हा उपचार तुमच्या शरीराच्या स्वतःच्या"
        " संरक्षण यंत्रणेला कॅन्सरशी लढायला मदत करतो.\n\n",
        "",
    ),
    ("immunotherapy-at-home", "en"): (
        "5d561f266c24f49cf2c6ea790226c6050f4b48345d84ec0ca543993d09352dcc",
        "UHAPO can give your immunotherapy at home, in Mumbai, Thane and Navi Mumbai.",
        "UHAPO can give your immunotherapy at home in Mumbai and in parts of Thane and"
        " Navi Mumbai. The link at the end of this page lists every PIN code we visit.",
    ),
    ("immunotherapy-at-home", "hi"): (
        "3fd28fba8daeebb89e0705dc7e21930c2b70bc820dd0cb0085dd31eba5a1eb61",
        "UHAPO मुंबई, ठाणे और नवी मुंबई में आपकी इम्यूनोथेरेपी आपके घर पर दे सकता है।",
        "UHAPO मुंबई में, और ठाणे व नवी मुंबई के कुछ इलाक़ों में, आपकी इम्यूनोथेरेपी आपके"
        " घर पर दे सकता है। हम किन पिन कोड में आते हैं, इसकी सूची का लिंक इस पृष्ठ के"
        " आख़िर में है।",
    ),
    ("immunotherapy-at-home", "mr"): (
        "2967c211f76219d2644763a59bafd8b9522d63bb08d720bbcb10dc8dba3eb053",
        "UHAPO मुंबई, ठाणे आणि नवी मुंबईत तुमची इम्युनोथेरपी तुमच्या घरी देऊ शकते.",
        "UHAPO मुंबईत, आणि ठाणे व नवी मुंबईच्या काही भागांत, तुमची इम्युनोथेरपी तुमच्या"
        " घरी देऊ शकते. आम्ही कोणत्या पिन कोडमध्ये येतो, त्या यादीची लिंक या पानाच्या"
        " शेवटी आहे.",
    ),
}


def _sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def _correct(row, history_model, language, using):
    key = (row.slug if language == "en" else row.page.slug, language)
    if key not in CORRECTIONS:
        return
    seeded_sha256, old, new = CORRECTIONS[key]
    if _sha256(row.body) != seeded_sha256 or old not in row.body:
        return
    row.body = row.body.replace(old, new, 1)
    row.save(using=using, update_fields=["body", "updated_at"])
    history_model.objects.using(using).create(
        **{field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields},
        history_date=timezone.now(),
        history_type="~",
        history_change_reason=REASON,
        history_user=None,
    )


def correct(apps, schema_editor):
    using = schema_editor.connection.alias
    slugs = {slug for slug, _language in CORRECTIONS}
    Page = apps.get_model("content", "Page")
    PageTranslation = apps.get_model("content", "PageTranslation")
    for page in Page.objects.using(using).filter(slug__in=slugs).order_by("pk"):
        _correct(page, apps.get_model("content", "HistoricalPage"), "en", using)
    translations = PageTranslation.objects.using(using).select_related("page")
    for translation in translations.filter(page__slug__in=slugs).order_by("pk"):
        _correct(
            translation,
            apps.get_model("content", "HistoricalPageTranslation"),
            translation.language,
            using,
        )


class Migration(migrations.Migration):
    dependencies = [("content", "0007_marathi_letter_ae")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
