"""Forms of the web pages (input shape only; rules live in the services)."""

from __future__ import annotations

from django import forms
from django.conf import settings

from segapp.models import ImportFileType
from segapp.services.ingest.columns import parse_map_options
from segapp.services.ingest.readers import UnreadableFileError


class ImportForm(forms.Form):
    """Upload a file and say what it holds."""

    file = forms.FileField(help_text="CSV (any common delimiter), JSON array or JSON Lines.")
    file_type = forms.ChoiceField(
        label="The file holds", choices=ImportFileType.choices, initial="documents"
    )
    mapping = forms.CharField(
        label="Column mapping (optional)",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "text=review_body\ncustomer_id=member"}
        ),
        help_text="One FIELD=COLUMN per line, for columns VoxSeg cannot recognise by name.",
    )
    sensitive = forms.CharField(
        label="More sensitive columns (optional)",
        required=False,
        help_text="Comma-separated. Age, gender, region, postcode … are recognised by name.",
    )
    default_kind = forms.ChoiceField(
        label="Kind of documents without a kind column",
        choices=(("review", "Review"), ("survey", "Survey answer"), ("social", "Social post")),
        initial="review",
    )
    delimiter = forms.CharField(
        label="CSV delimiter", required=False, max_length=9, help_text="Leave empty to detect."
    )
    dayfirst = forms.BooleanField(label="Dates like 03/04/2025 are day first", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError("The file is empty (0 bytes).")
        if upload.size > settings.VOXSEG_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(f"The limit is {settings.VOXSEG_MAX_UPLOAD_MB} MB.")
        return upload

    def clean_mapping(self) -> dict[str, str]:
        lines = [line for line in self.cleaned_data["mapping"].splitlines() if line.strip()]
        try:
            return parse_map_options(lines)
        except UnreadableFileError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_sensitive(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.cleaned_data["sensitive"].split(",") if c.strip())
