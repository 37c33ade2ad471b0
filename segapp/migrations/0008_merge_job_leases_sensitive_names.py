"""Joins the two migrations numbered 0007 (job leases, sensitive names)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("segapp", "0007_job_leases"),
        ("segapp", "0007_sensitive_names"),
    ]

    operations = []
