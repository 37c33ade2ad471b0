"""Leases of running jobs: the worker holding an import or a run, and its last heartbeat."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("segapp", "0006_privacy"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="importjob",
            name="worker",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.AddField(
            model_name="segmentationrun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="segmentationrun",
            name="worker",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
    ]
