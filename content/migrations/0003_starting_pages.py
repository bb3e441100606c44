"""The guide's starting pages, so every new install has them.

The text is copied into this file on purpose: a migration must keep working
however the app's code changes later. Staff edit the pages in admin after
this; the migration only adds pages whose slug is missing.

Every sentence is written in plain words for patients and families (aim:
reading grade 8 or lower); tests/content/test_starting_pages.py checks it.
"""

import datetime

from django.db import migrations
from django.utils import timezone

REVIEWER = "UHAPO clinical team"
LAST_REVIEWED = datetime.date(2026, 11, 1)
NEXT_REVIEW_DUE = datetime.date(2027, 5, 1)
TYPES_SLUG = "types-of-immunotherapy"

# (order, slug, parent slug, title, summary, show the request button, body)
PAGES = [
    (
        100,
        "what-is-immunotherapy",
        None,
        "What is immunotherapy?",
        "Immunotherapy is a cancer treatment that helps your own body's defences find and fight cancer cells.",
        False,
        """\
Immunotherapy is a kind of cancer treatment. It helps your body's own defences to fight the cancer.

## Your body's defence force

Your body has a defence force called the **immune system**. It is made of white blood cells and the parts of the body that make them. Every day it looks for germs, such as bacteria and viruses, and gets rid of them. It also looks for your own cells when they go wrong.

Cancer cells are your own cells that grow out of control. The immune system can often spot them and kill them. But cancer cells can be sneaky. Some hide from the immune system. Others send out signals that make it calm down. When this happens, the cancer can keep on growing.

## What immunotherapy does

Immunotherapy gives the immune system a helping hand. Some medicines take away the cancer's hiding place. Some wake up immune cells that the cancer has told to rest. Others give the body new tools to find cancer cells.

## How it is given

Most of these medicines are given as an **infusion**. This means the medicine drips slowly into a vein through a thin tube. A dose often takes 30 to 90 minutes. It is usually repeated every few weeks.

## Is it right for me?

Not every cancer can be treated this way. Your **oncologist**, the doctor who treats your cancer, will decide if it is a good choice for you. They look at the type of cancer, tests on the cancer cells, and your general health.

The next pages explain how it works, the main types, when it is used, and how UHAPO can give it to you at home.
""",
    ),
    (
        200,
        "how-immunotherapy-works",
        None,
        "How immunotherapy works",
        "Eight simple steps that show how immunotherapy helps the immune system find, attack and remember cancer.",
        False,
        """\
Immunotherapy can work in several ways. These eight steps help to explain them. Not every medicine uses every step.

## 1. Spotting the cancer

Cells carry tiny markers on their surface. A marker that the immune system can learn to notice is called an **antigen**. Cancer cells often carry antigens that healthy cells do not have, or have far more of them. Immunotherapy makes use of this. It teaches the immune system that these markers are a sign of danger.

## 2. Taking the brakes off

The immune system has brakes. They stop it from harming healthy parts of the body. These brakes are called **checkpoints**. Some cancers press on the brakes to switch off the attack. Medicines called checkpoint inhibitors block the brakes. Then the immune system can go after the cancer again.

## 3. Getting the defences ready

A cancer vaccine shows the immune system antigens that belong to the cancer. It is a bit like showing a guard a photo of a thief. After this, immune cells can pick out cancer cells that carry the same antigen. Doctors call this step "priming".

## 4. Making immune cells stronger

A **T cell** is a white blood cell that can find and kill sick or damaged cells. In CAR-T cell therapy, some of the patient's T cells are collected from the blood. In a lab, they are given a new part called a CAR. It works like a hook that catches one kind of cancer cell. The changed cells then go back into the patient's blood. Now they can grab the cancer cells and kill them.

## 5. Antibodies that hit a target

An **antibody** is a protein that sticks to one exact target, like a key that fits one lock. Scientists can make antibodies in a lab that stick to cancer antigens. Once stuck, they can block the signals that tell the cancer to grow. This can kill the cancer cell.

## 6. The attack

Once the immune system knows where the cancer is, it attacks. T cells move in, along with natural killer cells, another kind of white blood cell. They release substances that punch holes in the outer skin of each cancer cell. Then the cell dies.

## 7. Remembering the cancer

After a good response, some immune cells keep a memory of the cancer. If the cancer tries to come back, these cells can react faster and more strongly. This is one reason why some people stay well for a long time.

## 8. Working with other treatments

Immunotherapy is often given along with other treatments:

- **Chemotherapy** uses strong drugs that kill cells which grow fast.
- **Radiation therapy** uses powerful rays aimed at the cancer.
- **Targeted therapy** uses drugs that block the signals a cancer needs to grow.

Each one harms the cancer in its own way. Used together, they may work better than one alone. Your oncologist will plan the mix that suits you.
""",
    ),
    (
        300,
        TYPES_SLUG,
        None,
        "Types of immunotherapy",
        "There are six main types of immunotherapy. Each one helps the immune system fight cancer in its own way.",
        False,
        """\
Immunotherapy is not one single treatment. It is a group of treatments that work in different ways. Some are given on their own. Others are given together, or along with chemotherapy, radiation or targeted therapy.

The six main types are:

- **Monoclonal antibodies** are made in a lab and stick to cancer cells.
- **Immune checkpoint inhibitors** take the brakes off the immune system.
- **Non-specific immunotherapy** gives the whole immune system a boost.
- **Oncolytic virus therapy** uses a changed virus to infect and kill cancer cells.
- **CAR-T cell therapy** changes your own T cells so they can find the cancer.
- **Cancer vaccines** teach the immune system to attack the cancer.

Each type has its own page, listed below. You can read them in order. Or you can go straight to the one your doctor spoke about.

## Which type is right for me?

That depends on the kind of cancer and how far it has grown. It also depends on what tests on the cancer show, and on your health. Your oncologist will explain why they chose a type for you.
""",
    ),
    (
        310,
        "monoclonal-antibodies",
        TYPES_SLUG,
        "Monoclonal antibodies",
        "Lab-made antibodies that stick to cancer cells, block their growth or flag them for the immune system.",
        False,
        """\
An **antibody** is a protein made by the immune system. Each antibody sticks to one exact target, the way a key fits one lock. **Monoclonal antibodies** are many copies of one antibody, made in a lab. "Mono" means one, and "clone" means copy.

## How they help

These antibodies are built to stick to a marker on cancer cells. Once they are stuck on, they can work in a few ways:

- They can stop the signals that tell the cancer cell to grow and split.
- They can block the paths a cancer cell uses to pass on messages.
- They can put a flag on the cancer cell. Then immune cells find it and destroy it.

## Examples

- **Rituximab** is used for some kinds of lymphoma. This is a cancer of the lymph glands, which are part of the immune system.
- **Trastuzumab** is used for breast cancer that is HER2-positive. This means the cancer cells carry a lot of a protein called HER2.

## How they are given

These medicines are usually given as a drip into a vein. Some can also be given as an injection under the skin. Your care team will tell you how often you need a dose.

## Side effects

Many people have only mild side effects. Some get chills, a fever or a rash during the first dose or soon after. This is called an infusion reaction. Nurses watch for it and know how to treat it.
""",
    ),
    (
        320,
        "immune-checkpoint-inhibitors",
        TYPES_SLUG,
        "Immune checkpoint inhibitors",
        "Medicines that release the brakes cancer uses to hold back the immune system, such as PD-1 and CTLA-4.",
        False,
        """\
The immune system has built-in brakes. These brakes are proteins called **checkpoints**. They stop immune cells from attacking healthy parts of the body. Two well-known checkpoints are **PD-1** and **CTLA-4**. Both are found on T cells, the white blood cells that kill sick or damaged cells.

Some cancer cells use these brakes to protect themselves. They press on the brakes, and the T cells stop their attack.

## How the medicines help

A **checkpoint inhibitor** is a medicine that blocks a checkpoint. "Inhibitor" means something that blocks. With the brake blocked, T cells can see the cancer again and attack it.

## Examples

- **Pembrolizumab** and **nivolumab** block PD-1.
- **Ipilimumab** blocks CTLA-4.

Doctors use these medicines for many cancers. Two of them are melanoma, a skin cancer, and lung cancer. Sometimes two of these medicines are given together.

## Side effects

With the brakes off, the immune system can sometimes attack healthy parts of the body. This can cause a rash, itching, loose stools (diarrhoea), a cough, or feeling very tired. It can also affect glands such as the thyroid. Most of these problems can be treated if they are found early. Tell your care team about any new symptom, even months after a dose.
""",
    ),
    (
        330,
        "non-specific-immunotherapy",
        TYPES_SLUG,
        "Non-specific immunotherapy",
        "Treatments that boost the whole immune system, such as cytokines (interferons and IL-2) and BCG for bladder cancer.",
        False,
        """\
Some immunotherapy does not aim at one exact target. Instead, it gives the whole immune system a general boost. This helps it to notice cancer cells and attack them. Doctors call this **non-specific immunotherapy**.

## Cytokines

**Cytokines** are messenger proteins. Immune cells use them to talk to each other. Cytokines made in a lab can be given as a medicine to turn up the immune response. There are two main kinds:

- **Interferons** help to slow down how fast cells grow and split.
- **Interleukins** stir up immune cells, such as T cells and natural killer cells. This spurs them on against the cancer.

One interleukin is called **interleukin-2**, or **IL-2** for short. It has been used to treat a few types of cancer, such as some kidney cancers and melanomas.

Cytokines can make you feel as if you have flu, with fever, chills and aches. Large doses of IL-2 are given in hospital, where staff can keep a close watch.

## BCG for bladder cancer

**BCG** is short for Bacillus Calmette-Guérin. It is a weak form of a germ. It was first made as a vaccine against TB (tuberculosis), an infection of the lungs. For some early bladder cancers, BCG liquid is put into the bladder through a thin tube. The germ wakes up the immune system inside the bladder. The immune cells then attack cancer cells in the bladder lining too.

BCG for bladder cancer is usually given at a hospital or clinic.
""",
    ),
    (
        340,
        "oncolytic-virus-therapy",
        TYPES_SLUG,
        "Oncolytic virus therapy",
        "Viruses changed in a lab to infect and burst cancer cells, which also alerts the immune system.",
        False,
        """\
"Oncolytic" means "cancer-breaking". In this treatment, doctors use a virus that has been changed in a lab. The changed virus gets into cancer cells and makes copies of itself inside them. The cancer cell fills up and bursts. Healthy cells are mostly left alone.

## A second effect

When the cancer cells burst, they spill out their antigens. These are the markers that show a cell is a cancer cell. This alerts the immune system. Immune cells then come to attack other cancer cells too.

## How it is given

The virus is often injected straight into a **tumour**, which is a lump of cancer cells. A doctor does this in a hospital or clinic.

Only a few of these viruses are approved so far. Many more are still being tested in research studies.

## Side effects

The most common side effects feel like flu: tiredness, fever and chills. There may also be some pain where the needle went in.
""",
    ),
    (
        350,
        "car-t-cell-therapy",
        TYPES_SLUG,
        "CAR-T cell therapy",
        "Your own T cells are changed in a lab to find cancer, then given back. Used for some blood cancers.",
        False,
        """\
**CAR-T cell therapy** uses your own T cells as the medicine. T cells are white blood cells that find and kill sick or damaged cells. In this treatment, they are changed so that they can find cancer cells better.

## The steps

1. **Collecting.** Blood is taken from a vein. A machine collects the white blood cells, T cells among them, and gives the rest of the blood back. This takes a few hours.
2. **Changing.** In a lab, the T cells are given a new gene. The gene tells each cell to make a new part called a **CAR**. That stands for "chimeric antigen receptor". The CAR works like a hook. It grabs an antigen found on the cancer cells.
3. **Growing.** The lab grows the changed cells until there are many millions of them. This takes a few weeks.
4. **Giving them back.** The CAR-T cells go back into the body through a drip. They look for cancer cells with the matching antigen and kill them.

## Who it is for

This treatment is used for some blood cancers, such as some lymphomas and leukaemias. Two examples are **Kymriah** and **Yescarta**. It is often used when other treatments have not worked.

## Where it is given

CAR-T cell therapy is given in a specialist hospital. In the first weeks, there is a risk of serious side effects. These include high fever, low blood pressure or confusion. Patients stay close to the hospital so the team can act fast. It is not a treatment that is given at home.
""",
    ),
    (
        360,
        "cancer-vaccines",
        TYPES_SLUG,
        "Cancer vaccines",
        "Vaccines given to people who have cancer, to teach the immune system to find and attack it.",
        False,
        """\
Most vaccines, such as the ones for polio or measles, stop an illness before it starts. **Cancer vaccines** are not like that. Most of them are given to people who already have cancer. They train the immune system to spot the cancer and attack it.

## What they are made of

A cancer vaccine shows the immune system something that belongs to the cancer. It can be made in different ways:

- Some use small pieces of cancer cells.
- Some use antigens, the markers found on cancer cells.
- Some use genetic material. This tells the body how to make those markers.

Once immune cells have seen these, they are ready to find cancer cells with the same markers.

## Examples

**Sipuleucel-T** is a vaccine for some prostate cancers. It is made for each patient from their own immune cells.

Scientists are also working on vaccines made for one person. They look for markers that only that person's cancer has. These new markers are called **neoantigens**. These vaccines are still being tested in research studies.
""",
    ),
    (
        400,
        "when-immunotherapy-is-given",
        None,
        "When immunotherapy is given",
        "Immunotherapy can be used at five points in cancer care: for advanced cancer, first, in combination, to maintain results, or after surgery.",
        False,
        """\
Doctors can use immunotherapy at different points in cancer care. When they use it depends on the kind of cancer, how far it has grown, and your health. Here are the five main times.

## When cancer is advanced or has spread

Cancer is called **advanced** when it is large or hard to remove. It is called **metastatic** when it has spread from where it started to other parts of the body. Immunotherapy is often used at this stage. It can be a good choice when surgery, chemotherapy or radiation have not worked well enough.

## As the first treatment

For some cancers, immunotherapy is the first treatment doctors try. This is called **first-line** treatment. It may be given on its own or with other medicines. For example, checkpoint inhibitors are a first choice for some advanced melanomas and lung cancers.

## Together with other treatments

Immunotherapy is often given along with chemotherapy, radiation or targeted therapy. This is called **combination** treatment. Each one attacks the cancer in a different way, so together they may work better.

## To keep the cancer away

Sometimes the first treatment works well, and the cancer shrinks or can no longer be found. This is called **remission**. Immunotherapy may then go on for a while to help the remission last, or to stop the cancer from coming back. This is called **maintenance** treatment.

## After surgery

Surgery can take out the main tumour. But a few cancer cells may be left behind, too small to see. Immunotherapy after surgery can help clear them up. It lowers the chance that the cancer comes back. This is called **adjuvant** treatment, which means "helping" treatment.

Your oncologist will explain which of these fits your own plan.
""",
    ),
    (
        500,
        "benefits-of-immunotherapy",
        None,
        "Benefits of immunotherapy",
        "Seven ways immunotherapy can help, and an honest word: not everyone responds, and side effects can still happen.",
        False,
        """\
Immunotherapy can bring real benefits. But it does not work the same way for everyone. Here are seven ways it can help, and some things to keep in mind.

## 1. It aims at the cancer

Immunotherapy helps the immune system pick out cancer cells. Healthy cells may be harmed less than with some older treatments, such as chemotherapy.

## 2. The effect can last

Some people respond to immunotherapy for a long time. For a few, the cancer stays away for years. Some may even be cured.

## 3. The body can remember

When it works, the immune system may remember the cancer. If the cancer comes back, the immune system can react quickly.

## 4. Fewer side effects in the whole body

Chemotherapy often causes hair loss, sickness and low blood counts. Immunotherapy often causes fewer of these strong side effects. This is because it works by helping your body's own defences.

## 5. One medicine, many cancers

Some of these medicines act on parts of the immune system that many cancers have in common. So one medicine may help with several types of cancer.

## 6. Longer life

For some people, immunotherapy helps them live longer. This can be true even when earlier treatments did not work.

## 7. Better day-to-day life

With fewer side effects, many people feel well enough to get on with daily life during treatment. They can spend time with family, eat well, and sometimes keep working.

## Things to keep in mind

Not everyone responds to immunotherapy. For some people, the cancer does not shrink. Then the doctor may suggest another treatment. It can also take a few months to know if it is working.

Side effects can still happen, and some can be serious. The immune system may attack healthy parts of the body, such as the skin, gut, lungs, liver or glands. Tell your care team straight away about any new symptom, or one that gets worse.
""",
    ),
    (
        600,
        "immunotherapy-at-home",
        None,
        "Immunotherapy at home with UHAPO",
        "A UHAPO nurse can give your immunotherapy infusion at home. Who can ask, who decides, and what a visit is like.",
        True,
        """\
UHAPO can give your immunotherapy at home, in Mumbai, Thane and Navi Mumbai. A trained nurse comes to your home and gives you the infusion there. You do not need to travel to hospital or stay the night.

## What happens at a home visit

1. Before the visit, our team checks the prescription from your oncologist.
2. On the day, a nurse comes with the medicine and all that is needed to give it.
3. The nurse checks your temperature, blood pressure, pulse and breathing.
4. The nurse gives the infusion through a drip into a vein. A dose often takes 30 to 90 minutes.
5. The nurse stays with you during the infusion, and for a while after it, to watch for any reaction.
6. The nurse tells the care team how the visit went.

## Who can ask for a visit

A patient can ask for a home visit. A family member can also ask for them, such as a son, a daughter or a husband or wife. The form shows clearly whose details go where.

## Who decides if it is right for you

Home treatment is not right for everyone. Your oncologist's diagnosis and prescription decide if it suits you. We follow the plan they made. We do not change the medicine or the dose.

Most people have their first dose in hospital. This lets the team watch closely for a reaction. Home visits usually start after that.

## Why have it at home

- There is no hospital stay, and no night away just for a dose.
- There are no long trips through traffic, and no waiting rooms.
- You save money on travel and on hospital charges.
- You rest in your own home, with your family close by.

To ask for a visit, use the button below. Or call our support line at any time, day or night.
""",
    ),
]


def add_starting_pages(apps, schema_editor):
    Page = apps.get_model("content", "Page")
    HistoricalPage = apps.get_model("content", "HistoricalPage")
    existing = set(Page.objects.values_list("slug", flat=True))
    by_slug = {}
    now = timezone.now()
    for order, slug, parent_slug, title, summary, show_button, body in PAGES:
        if slug in existing:
            continue
        parent = by_slug.get(parent_slug) or (
            Page.objects.filter(slug=parent_slug).first() if parent_slug else None
        )
        page = Page.objects.create(
            order=order,
            slug=slug,
            parent=parent,
            title=title,
            summary=summary,
            show_request_button=show_button,
            body=body,
            is_published=True,
            last_reviewed=LAST_REVIEWED,
            next_review_due=NEXT_REVIEW_DUE,
            reviewer=REVIEWER,
        )
        by_slug[slug] = page
        # Migrations use historical models, which simple_history does not
        # watch: write the "created" entry so the page's history starts here.
        HistoricalPage.objects.create(
            id=page.pk,
            order=order,
            slug=slug,
            parent_id=page.parent_id,
            title=title,
            summary=summary,
            show_request_button=show_button,
            body=body,
            is_published=True,
            last_reviewed=LAST_REVIEWED,
            next_review_due=NEXT_REVIEW_DUE,
            reviewer=REVIEWER,
            updated_at=page.updated_at,
            history_date=now,
            history_type="+",
            history_change_reason="Starting page",
        )


def remove_starting_pages(apps, schema_editor):
    Page = apps.get_model("content", "Page")
    slugs = [slug for _, slug, *_ in PAGES]
    # Sub-pages first: a parent cannot be deleted while it has children.
    Page.objects.filter(slug__in=slugs, parent__isnull=False).delete()
    Page.objects.filter(slug__in=slugs).delete()


class Migration(migrations.Migration):
    dependencies = [("content", "0002_page_fields_for_the_guide")]

    operations = [migrations.RunPython(add_starting_pages, remove_starting_pages)]
