"""Correct six starting pages in databases that still hold their seeded text.

- The type pages listed only mild side effects: "Immune checkpoint inhibitors" and
  "Monoclonal antibodies" now name the signs that need a call the same day and
  link to the new page "Warning signs after immunotherapy".
- "Benefits" promised "fewer side effects in the whole body"; it now says the
  side effects differ from chemotherapy's, can touch any organ and can be serious.
- "CAR-T cell therapy" names India's own CAR-T (NexCAR19).
- "Immunotherapy at home" says how long a visit takes with the watch after the
  drip, and what the nurse brings in case of a reaction.

The facts beyond the seed document (NexCAR19, the 30 to 60 minutes of watching,
the nurse's reaction kit) await the clinical team's review: README, "The guide".

As in 0008, a body is changed only while it is exactly the seeded text (its
SHA-256 below), so a page a coordinator edited is left for them; each change
gets a history record and a new `updated_at`. Nothing is undone on reversal.
"""

import datetime
import hashlib

from django.db import migrations
from django.utils import timezone

# What each corrected page's review fields say until the clinical team has checked the
# new facts (the page list flags it from that day on).
REVIEW_PENDING = {
    "en": "UHAPO clinical team (review pending)",
    "hi": "UHAPO क्लिनिकल टीम (समीक्षा बाक़ी)",
    "mr": "UHAPO क्लिनिकल टीम (पुनरावलोकन बाकी)",
}
REVIEW_DUE = datetime.date(2027, 1, 4)
REASON = "Seeded text corrected: serious signs, India's CAR-T, visit length, reaction kit (review pending)"
WS_EN = "/guide/warning-signs-after-immunotherapy/"
WS_HI = "/hi/guide/warning-signs-after-immunotherapy/"
WS_MR = "/mr/guide/warning-signs-after-immunotherapy/"
SEEDED_SHA256 = {('benefits-of-immunotherapy', 'en'): 'c701e6f4828f050089df0c680f6b8831345196d2470874a32b2196739a2105b6',
 ('benefits-of-immunotherapy', 'hi'): '02c4c03642c6cfcb22ac16d61dd7a07258ee1259173257792099fd3b879642ed',
 ('benefits-of-immunotherapy', 'mr'): '4309d556003d4503c76931a2d354e143664503ae7453e056cea6706a18e4e2c4',
 ('car-t-cell-therapy', 'en'): 'd97111016e97e1e3c8fa993048c29f1a5d28d1f5f29149be254f127e5b6eab64',
 ('car-t-cell-therapy', 'hi'): '2d29f8475b54c1adb6730af7c437dac15cd5bd91ebb2bd21e8547b86a485aae5',
 ('car-t-cell-therapy', 'mr'): '1f0817fdb5c88891667b411f849da398d1efaf04891bc149b07a2685d9c59073',
 ('immune-checkpoint-inhibitors', 'en'): '266b0dc8991344e1c07ca29041bb9f2452881d3af30a719ce7439ea538620227',
 ('immune-checkpoint-inhibitors', 'hi'): '7f69a6281b18afa2336d144d99f957a9db3b33900614434d01483d48aca6490c',
 ('immune-checkpoint-inhibitors', 'mr'): '91dafccf173c30f5a3469779c0b27d3b41351239ed9bbb53a1337d4f31af6965',
 ('immunotherapy-at-home', 'en'): '4b020cce0896128f77064777f08afaad21adac7a73778381b9f67427c863b90c',
 ('immunotherapy-at-home', 'hi'): '6b826ad23ed9d04bc4bc170365d5fbd821eac87684df0d0c90b3a509149ec5a0',
 ('immunotherapy-at-home', 'mr'): '7653b9103253f30de01b7c9cc08089a7724ccda0978d40a290fd97968d462e46',
 ('monoclonal-antibodies', 'en'): '61103b2255a51309b13db696d27201971cdabd5415e25186a1ae2e8102f29478',
 ('monoclonal-antibodies', 'hi'): '078924208537c7aeb77bce1698c23d007f8fe6202df6abcf07518f93bc72fad6',
 ('monoclonal-antibodies', 'mr'): 'd91557425c8cc1d4f2ccbe7b5c6fee5cd3b1a690158b13e52be6419e0db945ce'}

# (slug, language): [(the text it had, the text it gets), ...]
CORRECTIONS = {
    ("immune-checkpoint-inhibitors", "en"): [(
        "Tell your care team about any new symptom, even months after a dose.",
        "Tell your care team about any new symptom, even months after a dose.\n\n"
        "Some of these problems can be serious. Call us the same day if you have any of these:\n\n"
        "- loose stools four or more times a day more than usual\n"
        "- shortness of breath, or a new cough\n"
        "- yellow skin or eyes\n"
        "- a bad headache, or changes in how you see\n"
        "- great thirst\n\n"
        "The page [Warning signs after"
        f" immunotherapy]({WS_EN}) lists every sign, and what to do. Tell any doctor you see that"
        " you are having immunotherapy.",
    )],
    ("immune-checkpoint-inhibitors", "hi"): [(
        "कोई भी नया लक्षण दिखे, तो अपनी टीम को बताएँ, चाहे ख़ुराक लिए महीनों बीत गए हों।",
        "कोई भी नया लक्षण दिखे, तो अपनी टीम को बताएँ, चाहे ख़ुराक लिए महीनों बीत गए हों।\n\n"
        "इनमें से कुछ परेशानियाँ गंभीर हो सकती हैं। इनमें से कुछ भी हो, तो उसी दिन हमें फ़ोन करें:\n\n"
        "- आम दिनों से दिन में चार या ज़्यादा बार अधिक पतले दस्त\n"
        "- साँस फूलना, या नई खाँसी\n"
        "- पीली त्वचा या आँखें\n"
        "- तेज़ सिरदर्द, या देखने में बदलाव\n"
        "- बहुत ज़्यादा प्यास\n\n"
        "[इम्यूनोथेरेपी के बाद"
        f" ख़तरे के संकेत]({WS_HI}) पृष्ठ पर हर संकेत और क्या करना है, लिखा है। जिस भी डॉक्टर से"
        " मिलें, उन्हें बताएँ कि इम्यूनोथेरेपी चल रही है।",
    )],
    ("immune-checkpoint-inhibitors", "mr"): [(
        "कोणतेही नवे लक्षण दिसले तर तुमच्या टीमला सांगा, डोस घेऊन महिने उलटले असले तरीही.",
        "कोणतेही नवे लक्षण दिसले तर तुमच्या टीमला सांगा, डोस घेऊन महिने उलटले असले तरीही.\n\n"
        "यातले काही त्रास गंभीर असू शकतात. यापैकी काही असेल, तर त्याच दिवशी आम्हाला फोन करा:\n\n"
        "- दिवसातून नेहमीपेक्षा चार किंवा अधिक वेळा जास्त जुलाब\n"
        "- धाप, किंवा नवा खोकला\n"
        "- पिवळी त्वचा किंवा डोळे\n"
        "- तीव्र डोकेदुखी, किंवा दिसण्यात बदल\n"
        "- खूप तहान\n\n"
        "[इम्युनोथेरपीनंतरची धोक्याची"
        f" लक्षणे]({WS_MR}) या पानावर प्रत्येक लक्षण आणि काय करावे, हे दिले आहे. तुम्ही ज्या"
        " डॉक्टरांना भेटाल, त्यांना सांगा की इम्युनोथेरपी सुरू आहे.",
    )],
    ("monoclonal-antibodies", "en"): [(
        "Nurses watch for it and know how to treat it.",
        "Nurses watch for it and know how to treat it. Some of these medicines can also cause"
        " problems later, weeks or months after a dose: see [Warning signs after"
        f" immunotherapy]({WS_EN}) for the signs that need a call the same day.",
    )],
    ("monoclonal-antibodies", "hi"): [(
        "नर्सें इस पर नज़र रखती हैं और जानती हैं कि इसे कैसे सँभालना है।",
        "नर्सें इस पर नज़र रखती हैं और जानती हैं कि इसे कैसे सँभालना है। इनमें से कुछ दवाएँ बाद में,"
        " ख़ुराक के हफ़्तों या महीनों बाद भी, परेशानी कर सकती हैं: किन संकेतों पर उसी दिन फ़ोन करना"
        f" है, यह [इम्यूनोथेरेपी के बाद ख़तरे के संकेत]({WS_HI}) पृष्ठ पर देखें।",
    )],
    ("monoclonal-antibodies", "mr"): [(
        "नर्स यावर लक्ष ठेवतात, आणि ती कशी हाताळायची हे त्यांना माहीत असते.",
        "नर्स यावर लक्ष ठेवतात, आणि ती कशी हाताळायची हे त्यांना माहीत असते. यापैकी काही औषधांमुळे"
        " नंतरही, डोसनंतर काही आठवड्यांनी किंवा महिन्यांनी, त्रास होऊ शकतो: कोणत्या लक्षणांवर त्याच"
        f" दिवशी फोन करावा, हे [इम्युनोथेरपीनंतरची धोक्याची लक्षणे]({WS_MR}) या पानावर पाहा.",
    )],
    ("benefits-of-immunotherapy", "en"): [
        (
            "## 4. Fewer side effects in the whole body\n\nChemotherapy often causes hair loss,"
            " sickness and low blood counts. Immunotherapy often causes fewer of these strong side"
            " effects. This is because it works by helping your body's own defences.",
            "## 4. Different side effects from chemotherapy\n\nChemotherapy often causes hair loss,"
            " sickness and low blood counts. Immunotherapy causes these less often. But it has side"
            " effects of its own, and they can affect any part of the body. Some are serious, and"
            " some start months after a dose. Most can be treated when they are found early: see"
            f" [Warning signs after immunotherapy]({WS_EN}).",
        ),
        (
            "With fewer side effects, many people feel well enough",
            "Many people feel well enough",
        ),
    ],
    ("benefits-of-immunotherapy", "hi"): [
        (
            "## 4. पूरे शरीर पर कम साइड इफ़ेक्ट\n\nकीमोथेरेपी से अक्सर बाल झड़ते हैं, जी मिचलाता है और"
            " ख़ून में कोशिकाएँ कम हो जाती हैं। इम्यूनोथेरेपी में ऐसे तेज़ साइड इफ़ेक्ट अक्सर कम होते हैं।"
            " इसकी वजह यह है कि यह आपके शरीर की अपनी रक्षा-शक्ति की मदद से काम करती है।",
            "## 4. कीमोथेरेपी से अलग साइड इफ़ेक्ट\n\nकीमोथेरेपी से अक्सर बाल झड़ते हैं, जी मिचलाता है और"
            " ख़ून में कोशिकाएँ कम हो जाती हैं। इम्यूनोथेरेपी में ऐसा कम होता है। लेकिन इसके अपने साइड"
            " इफ़ेक्ट हैं, और वे शरीर के किसी भी हिस्से पर असर कर सकते हैं। कुछ गंभीर होते हैं, और कुछ"
            " ख़ुराक के महीनों बाद शुरू होते हैं। जल्दी पकड़ में आएँ, तो ज़्यादातर का इलाज हो सकता है:"
            f" [इम्यूनोथेरेपी के बाद ख़तरे के संकेत]({WS_HI}) देखें।",
        ),
        ("कम साइड इफ़ेक्ट होने से बहुत से लोग", "बहुत से लोग"),
    ],
    ("benefits-of-immunotherapy", "mr"): [
        (
            "## 4. संपूर्ण शरीरावर कमी साइड इफेक्ट\n\nकेमोथेरपीमुळे अनेकदा केस गळतात, मळमळ होते आणि"
            " रक्तातील पेशी कमी होतात. इम्युनोथेरपीमध्ये असे तीव्र साइड इफेक्ट अनेकदा कमी असतात. कारण"
            " ती तुमच्या शरीराच्याच संरक्षण यंत्रणेच्या मदतीने काम करते.",
            "## 4. केमोथेरपीपेक्षा वेगळे साइड इफेक्ट\n\nकेमोथेरपीमुळे अनेकदा केस गळतात, मळमळ होते आणि"
            " रक्तातील पेशी कमी होतात. इम्युनोथेरपीमध्ये असे कमी वेळा होते. पण तिचे स्वतःचे साइड इफेक्ट"
            " असतात, आणि ते शरीराच्या कोणत्याही भागावर परिणाम करू शकतात. काही गंभीर असतात, आणि काही"
            " डोसनंतर काही महिन्यांनी सुरू होतात. लवकर लक्षात आले, तर बहुतेकांवर उपचार होतात:"
            f" [इम्युनोथेरपीनंतरची धोक्याची लक्षणे]({WS_MR}) पाहा.",
        ),
        ("साइड इफेक्ट कमी असल्यामुळे अनेक लोक", "अनेक लोक"),
    ],
    ("car-t-cell-therapy", "en"): [(
        "Two examples are **Kymriah** and **Yescarta**.",
        "Two examples are **Kymriah** and **Yescarta**. India now has its own CAR-T therapy too:"
        " **NexCAR19**, made in Mumbai by a team from IIT Bombay and Tata Memorial Centre. It was"
        " approved in India in 2023, for some lymphomas and leukaemias, and costs far less than the"
        " ones made abroad.",
    )],
    ("car-t-cell-therapy", "hi"): [(
        "इसके दो उदाहरण हैं **Kymriah** (किमरिया) और **Yescarta** (येसकार्टा)।",
        "इसके दो उदाहरण हैं **Kymriah** (किमरिया) और **Yescarta** (येसकार्टा)। अब भारत की अपनी"
        " CAR-T थेरेपी भी है: **NexCAR19** (नेक्सकार19), जिसे मुंबई में IIT बॉम्बे और टाटा मेमोरियल"
        " सेंटर की टीम ने बनाया है। इसे 2023 में भारत में कुछ लिंफ़ोमा और ल्यूकेमिया के लिए मंज़ूरी"
        " मिली, और यह विदेश में बनी थेरेपी से बहुत सस्ती है।",
    )],
    ("car-t-cell-therapy", "mr"): [(
        "याची दोन उदाहरणे म्हणजे **Kymriah** (किमरिया) आणि **Yescarta** (येसकार्टा).",
        "याची दोन उदाहरणे म्हणजे **Kymriah** (किमरिया) आणि **Yescarta** (येसकार्टा). आता भारताची"
        " स्वतःची CAR-T थेरपीही आहे: **NexCAR19** (नेक्सकार19), जी मुंबईत IIT बॉम्बे आणि टाटा मेमोरियल"
        " सेंटरच्या टीमने तयार केली. तिला 2023 मध्ये भारतात काही लिम्फोमा आणि ल्युकेमियासाठी मंजुरी"
        " मिळाली, आणि ती परदेशात तयार होणाऱ्या थेरपीपेक्षा खूप स्वस्त आहे.",
    )],
    ("immunotherapy-at-home", "en"): [(
        "2. On the day, a nurse comes with the medicine and all that is needed to give it.",
        "2. On the day, a nurse comes with the medicine and all that is needed to give it. Our"
        " message tells you the nurse's name, and the nurse shows a UHAPO photo ID card on"
        " arrival.",
    ), (
        "- You save money on travel and on hospital charges.",
        "- You save on travel, and on a day care bed in hospital. The medicine costs the same"
        " wherever it is given: see [Costs and health insurance](/guide/costs-and-insurance/).",
    ), (
        "5. The nurse stays with you during the infusion, and for a while after it, to watch for"
        " any reaction.",
        "5. The nurse stays with you during the infusion, and for 30 to 60 minutes after it, to"
        " watch for any reaction. In all, a visit often takes two to three hours.",
    ), (
        "## Who can ask for a visit",
        "## What the nurse brings in case of a reaction\n\nA reaction during the drip is not"
        " common, but the nurse is ready for one. The nurse brings medicines for an allergic"
        " reaction, such as adrenaline, an antihistamine and a steroid. The nurse also brings what"
        " is needed to check blood pressure, pulse, oxygen and temperature. If a reaction starts,"
        " the nurse stops the drip and treats it at once, and calls an ambulance if it is"
        " needed.\n\n## Who can ask for a visit",
    )],
    ("immunotherapy-at-home", "hi"): [(
        "2. तय दिन पर नर्स दवा और ड्रिप देने का सारा सामान लेकर आती है।",
        "2. तय दिन पर नर्स दवा और ड्रिप देने का सारा सामान लेकर आती है। हमारे मैसेज में नर्स का नाम"
        " होता है, और नर्स आते ही UHAPO का फ़ोटो वाला पहचान-पत्र दिखाती है।",
    ), (
        "- आने-जाने और अस्पताल के ख़र्च की बचत होती है।",
        "- आने-जाने का, और अस्पताल में डे-केयर बेड का ख़र्च बचता है। दवा का दाम वही रहता है, चाहे"
        " वह कहीं भी दी जाए: [ख़र्च और हेल्थ इंश्योरेंस](/hi/guide/costs-and-insurance/) देखें।",
    ), (
        "5. ड्रिप के दौरान और उसके बाद कुछ देर तक नर्स आपके साथ रहती है, ताकि किसी भी रिएक्शन पर"
        " नज़र रख सके।",
        "5. ड्रिप के दौरान, और उसके बाद 30 से 60 मिनट तक, नर्स आपके साथ रहती है, ताकि किसी भी"
        " रिएक्शन पर नज़र रख सके। कुल मिलाकर एक विज़िट में अक्सर दो से तीन घंटे लगते हैं।",
    ), (
        "## विज़िट के लिए कौन कह सकता है",
        "## रिएक्शन होने पर नर्स क्या साथ लाती है\n\nड्रिप के दौरान रिएक्शन आम नहीं है, पर नर्स"
        " उसके लिए तैयार रहती है। नर्स एलर्जी वाले रिएक्शन की दवाएँ लाती है, जैसे एड्रेनालिन, एंटीहिस्टामिन"
        " और स्टेरॉयड। नर्स ब्लड प्रेशर, नब्ज़, ऑक्सीजन और तापमान जाँचने का सामान भी लाती है। रिएक्शन"
        " शुरू हो, तो नर्स ड्रिप रोककर तुरंत इलाज करती है, और ज़रूरत हो तो एम्बुलेंस बुलाती है।\n\n"
        "## विज़िट के लिए कौन कह सकता है",
    )],
    ("immunotherapy-at-home", "mr"): [(
        "2. ठरलेल्या दिवशी नर्स औषध आणि ड्रिप देण्यासाठी लागणारे सगळे साहित्य घेऊन येते.",
        "2. ठरलेल्या दिवशी नर्स औषध आणि ड्रिप देण्यासाठी लागणारे सगळे साहित्य घेऊन येते. आमच्या"
        " मेसेजमध्ये नर्सचे नाव असते, आणि नर्स आल्यावर UHAPO चे फोटो असलेले ओळखपत्र दाखवते.",
    ), (
        "- प्रवासाचा आणि हॉस्पिटलचा खर्च वाचतो.",
        "- प्रवासाचा, आणि हॉस्पिटलमधील डे-केअर बेडचा खर्च वाचतो. औषधाची किंमत तीच राहते, ते कुठेही"
        " दिले तरी: [खर्च आणि हेल्थ इन्शुरन्स](/mr/guide/costs-and-insurance/) पाहा.",
    ), (
        "5. ड्रिप चालू असताना आणि त्यानंतर काही वेळ नर्स तुमच्यासोबत राहते, म्हणजे कोणत्याही"
        " रिॲक्शनकडे लक्ष ठेवता येते.",
        "5. ड्रिप चालू असताना, आणि त्यानंतर 30 ते 60 मिनिटे, नर्स तुमच्यासोबत राहते, म्हणजे"
        " कोणत्याही रिॲक्शनकडे लक्ष ठेवता येते. एकूण एका व्हिजिटला बहुतेक वेळा दोन ते तीन तास लागतात.",
    ), (
        "## व्हिजिटसाठी कोण विनंती करू शकते",
        "## रिॲक्शन झाल्यास नर्स काय सोबत आणते\n\nड्रिपच्या वेळी रिॲक्शन होणे नेहमीचे नाही, पण नर्स"
        " त्यासाठी तयार असते. नर्स ॲलर्जीच्या रिॲक्शनसाठी औषधे आणते, जसे ॲड्रेनालिन, अँटीहिस्टामिन"
        " आणि स्टेरॉइड. नर्स रक्तदाब, नाडी, ऑक्सिजन आणि तापमान तपासण्याचे साहित्यही आणते. रिॲक्शन"
        " सुरू झाली, तर नर्स ड्रिप थांबवून लगेच उपचार करते, आणि गरज असेल तर ॲम्ब्युलन्स बोलावते.\n\n"
        "## व्हिजिटसाठी कोण विनंती करू शकते",
    )],
}


def _sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def _correct(row, history_model, language, using):
    key = (row.slug if language == "en" else row.page.slug, language)
    if key not in CORRECTIONS or _sha256(row.body) != SEEDED_SHA256[key]:
        return
    body = row.body
    for old, new in CORRECTIONS[key]:
        if old not in body:
            return
        body = body.replace(old, new, 1)
    row.body = body
    row.reviewer = REVIEW_PENDING[language]
    row.next_review_due = REVIEW_DUE
    row.save(using=using, update_fields=["body", "reviewer", "next_review_due", "updated_at"])
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
    dependencies = [("content", "0008_seeded_text_corrections")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
