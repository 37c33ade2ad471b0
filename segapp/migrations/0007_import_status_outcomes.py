"""Import jobs report status counts, outcomes, aggregation and notes; events keep their status."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("segapp", "0006_privacy"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="column_reasons",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="importjob",
            name="status_counts",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="importjob",
            name="outcome_counts",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="importjob",
            name="aggregation",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="importjob",
            name="rows_merged",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importjob",
            name="notes",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="importjob",
            name="suggested_type",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="event",
            name="status",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="event",
            name="outcome",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
    ]
