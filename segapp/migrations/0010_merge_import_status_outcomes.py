"""Joins the import status/outcome migration with the job lease, sensitive-name and draft line."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("segapp", "0007_import_status_outcomes"),
        ("segapp", "0009_import_drafts"),
    ]

    operations = []
