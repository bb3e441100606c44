"""Once the starting pages in Hindi and Marathi; now nothing.

The translations are Markdown files in content/seed/ (`<slug>.hi.md`,
`<slug>.mr.md`), created by `manage.py load_guide`. This migration stays,
empty, because databases that ran it list it as applied and later migrations
depend on it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("content", "0004_page_translations")]

    operations = []
