"""Names declared sensitive, seeded from what earlier imports and customers already hold.

The seed records every column earlier imports gave the role "sensitive" and
every key already in `Customer.sensitive`, so runs leave those names out of
their inputs from now on. The functions are frozen copies of
`nlp.fairness.attribute_key`, `attribute_match` and `best_spelling` as they
were when this migration was written.
"""

import re

from django.db import migrations, models

_CAMEL_BOUNDARY = re.compile(r"(?<=[^\W_A-Z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][^\W_A-Z])")
_SEPARATORS = re.compile(r"[\W_]+")


def _key(name):
    text = str(name).strip()
    key = _SEPARATORS.sub("_", _CAMEL_BOUNDARY.sub("_", text).lower()).strip("_")
    return key or text


def _match(name):
    text = str(name).strip()
    return _SEPARATORS.sub("", text.lower()) or text


def _best(names):
    def shows_words(name):
        return _key(name) != _match(name)

    for wanted in (lambda n: shows_words(n) and _key(n) == n, shows_words, lambda n: _key(n) == n):
        found = [name for name in names if wanted(name)]
        if found:
            return found[0]
    return names[0]


def seed_declared_names(apps, schema_editor):
    ImportJob = apps.get_model("segapp", "ImportJob")
    Customer = apps.get_model("segapp", "Customer")
    SensitiveName = apps.get_model("segapp", "SensitiveName")
    spellings = {}
    for roles in ImportJob.objects.values_list("column_roles", flat=True).iterator():
        if isinstance(roles, dict):  # {column: role}
            roles = [{"column": column, "role": role} for column, role in roles.items()]
        for item in roles or []:
            if isinstance(item, dict) and item.get("role") == "sensitive" and item.get("column"):
                spellings.setdefault(_match(item["column"]), set()).add(str(item["column"]))
    for sensitive in Customer.objects.values_list("sensitive", flat=True).iterator():
        for name in sensitive or {}:
            spellings.setdefault(_match(name), set()).add(str(name))
    SensitiveName.objects.bulk_create(
        [
            SensitiveName(key=_key(_best(sorted(names)))[:200], spellings=sorted(names))
            for names in spellings.values()
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
