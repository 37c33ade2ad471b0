"""The form that starts a run: the main parameters, everything optional."""

from __future__ import annotations

from django import forms

from nlp.pipeline import PipelineParams

DEFAULTS = PipelineParams()


class RunForm(forms.Form):
    """Main parameters of a run; empty fields keep the defaults."""

    min_cluster_size = forms.IntegerField(
        required=False,
        min_value=0,
        help_text="Smallest segment, in customers. Empty: scaled to the number of customers.",
    )
    text_weight = forms.FloatField(required=False, min_value=0, initial=DEFAULTS.text_weight)
    behaviour_weight = forms.FloatField(
        required=False, min_value=0, initial=DEFAULTS.behaviour_weight
    )
    soft_assign = forms.BooleanField(
        required=False,
        initial=DEFAULTS.soft_assign,
        help_text="Offer outliers their most probable segment (always marked as such).",
    )
    seed = forms.IntegerField(required=False, initial=DEFAULTS.seed)

    def parameters(self) -> dict:
        """The filled-in values, by parameter name."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
