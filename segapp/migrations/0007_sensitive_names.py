"""Names declared sensitive, seeded from what earlier imports and customers already hold.

The seed records every column earlier imports gave the role "sensitive" and
every key already in `Customer.sensitive`, so runs leave those names out of
their inputs from now on. The key function is a frozen copy of
`nlp.fairness.attribute_key` as it was when this migration was written.
"""

import re

from django.db import migrations, models

_CAMEL_BOUNDARY = re.compile(r"(?<=[^\W_A-Z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][^\W_A-Z])")
_SEPARATORS = re.compile(r"[\W_]+")


def _key(name):
    text = str(name).strip()
    key = _SEPARATORS.sub("_", _CAMEL_BOUNDARY.sub("_", text).lower()).strip("_")
    return key or text


def seed_declared_names(apps, schema_editor):
    ImportJob = apps.get_model("segapp", "ImportJob")
    Customer = apps.get_model("segapp", "Customer")
    SensitiveName = apps.get_model("segapp", "SensitiveName")
    spellings = {}
    for roles in ImportJob.objects.values_list("column_roles", flat=True).iterator():
        for item in roles or []:
            if isinstance(item, dict) and item.get("role") == "sensitive" and item.get("column"):
                spellings.setdefault(_key(item["column"]), set()).add(str(item["column"]))
    for sensitive in Customer.objects.values_list("sensitive", flat=True).iterator():
        for name in sensitive or {}:
            spellings.setdefault(_key(name), set()).add(str(name))
    SensitiveName.objects.bulk_create(
        [
            SensitiveName(key=key[:200], spellings=sorted(names))
            for key, names in spellings.items()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("segapp", "0007_import_status_outcomes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SensitiveName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=200, unique=True)),
                ("spellings", models.JSONField(blank=True, default=list)),
                ("declared_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"ordering": ["key"]},
        ),
        migrations.RunPython(seed_declared_names, migrations.RunPython.noop),
    ]
