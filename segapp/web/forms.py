"""Forms of the import pages (input shape only; rules live in the services)."""

from __future__ import annotations

from dataclasses import replace

from django import forms
from django.conf import settings

from segapp.models import ImportFileType
from segapp.services.ingest.options import AGGREGATE_MODES, ImportOptions

GUESS = ""
KINDS = (("review", "Review"), ("survey", "Survey answer"), ("social", "Social post"))
AGGREGATE_LABELS = {
    "combine": "combine each customer's rows",
    "latest": "keep each customer's last row",
}


class UploadForm(forms.Form):
    """Upload a file; what it holds is guessed unless said."""

    file = forms.FileField(help_text="CSV (any common delimiter), JSON array or JSON Lines.")
    file_type = forms.ChoiceField(
        label="The file holds",
        choices=((GUESS, "Let VoxSeg guess"), *ImportFileType.choices),
        required=False,
        initial=GUESS,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError("The file is empty (0 bytes).")
        if upload.size > settings.VOXSEG_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"The file is {upload.size / 1e6:.0f} MB; the limit is "
                f"{settings.VOXSEG_MAX_UPLOAD_MB} MB."
            )
        return upload

    def clean_file_type(self) -> str | None:
        return self.cleaned_data["file_type"] or None


class PreviewForm(forms.Form):
    """The choices on the preview page: type, reading options and a role per column.

    Column roles come as parallel lists, one entry per column in file order:
    `column` (its name), `role` (the picker), `shown` (the role the page showed)
    and `chosen` ("1" when that role was already the person's choice). A role
    differing from the one shown, or chosen before, is the person's choice.
    Choices are forgotten when the file type or the delimiter changes, since the
    roles (or the columns) of one reading mean little for another. `switch_type`
    (the suggestion's one-click button) overrides `file_type`.
    """

    file_type = forms.ChoiceField(label="The file holds", choices=ImportFileType.choices)
    switch_type = forms.ChoiceField(choices=ImportFileType.choices, required=False)
    shown_type = forms.CharField(required=False, widget=forms.HiddenInput)
    shown_delimiter = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)
    default_kind = forms.ChoiceField(
        label="Documents without a kind are", choices=KINDS, initial="review", required=False
    )
    delimiter = forms.CharField(
        label="CSV delimiter",
        required=False,
        max_length=9,
        strip=False,
        help_text="Empty: detected.",
        widget=forms.TextInput(attrs={"size": 3, "placeholder": "auto"}),
    )
    dayfirst = forms.BooleanField(label="Dates like 03/04/2025 are day first", required=False)
    aggregate = forms.ChoiceField(
        label="Several rows for one customer",
        choices=(
            ("", "refuse the file"),
            *((mode, AGGREGATE_LABELS[mode]) for mode in AGGREGATE_MODES),
        ),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("switch_type"):
            data["file_type"] = data["switch_type"]
        return data

    def clean_delimiter(self) -> str:
        value = self.cleaned_data["delimiter"]
        return "\t" if value.strip().lower() in ("tab", "\\t") else value.strip() or value

    def layout_changed(self) -> bool:
        """Whether the file type or the delimiter differs from the page the choices were on."""
        data = self.cleaned_data
        if not data.get("shown_type"):
            return False
        return data.get("file_type") != data["shown_type"] or (data.get("delimiter") or "") != (
            data.get("shown_delimiter") or ""
        )

    def roles(self) -> dict[str, str]:
        """The roles chosen by the person, column -> role."""
        if self.layout_changed():
            return {}
        lists = [self.data.getlist(name) for name in ("column", "role", "shown", "chosen")]
        if len({len(values) for values in lists}) != 1:
            return {}
        return {
            column: role
            for column, role, shown, chosen in zip(*lists, strict=True)
            if role and (role != shown or chosen == "1")
        }

    def roles_reset(self) -> bool:
        """Whether role choices were dropped because the file type or the delimiter changed."""
        if not self.layout_changed():
            return False
        lists = zip(self.data.getlist("role"), self.data.getlist("shown"),
                    self.data.getlist("chosen"), strict=False)  # fmt: skip
        return any(role != shown or chosen == "1" for role, shown, chosen in lists)

    def options(self, *, base: ImportOptions) -> ImportOptions:
        """Import options from the reading choices, on top of `base` (what was stored)."""
        data = self.cleaned_data
        return replace(
            base,
            default_kind=data.get("default_kind") or base.default_kind,
            delimiter=data.get("delimiter") or None,
            dayfirst=True if data.get("dayfirst") else None,
            aggregate=data.get("aggregate") or None,
        )

    @classmethod
    def initial_for(cls, *, file_type: str, options: ImportOptions) -> dict:
        """The form's initial values for stored choices."""
        return {
            "file_type": file_type,
            "shown_type": file_type,
            "shown_delimiter": options.delimiter or "",
            "default_kind": options.default_kind,
            "delimiter": options.delimiter or "",
            "dayfirst": bool(options.dayfirst),
            "aggregate": options.aggregate or "",
        }
