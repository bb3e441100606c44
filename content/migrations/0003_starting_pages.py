"""Once the guide's starting pages; now nothing.

The pages are Markdown files in content/seed/, created by `manage.py
load_guide` (which `make run` and every release run after migrate). This
migration stays, empty, because databases that ran it list it as applied and
0004 depends on it; its text lives on in those files.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("content", "0002_page_fields_for_the_guide")]

    operations = []
