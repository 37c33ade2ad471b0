"""API shapes of personas, comparisons, memberships and customer explanations.

They shape what `segapp.selectors.personas` returns (dicts), and describe it
in the OpenAPI schema; no figure is computed here.
"""

from __future__ import annotations

from rest_framework import serializers


class PersonaTopicSerializer(serializers.Serializer):
    """A topic the segment talks about, ranked by lift."""

    topic = serializers.IntegerField(help_text="The topic's number, as in /runs/{run}/topics/.")
    label = serializers.CharField()
    share = serializers.FloatField(help_text="Share of the segment's documents on this topic.")
    lift = serializers.FloatField(
        allow_null=True, help_text="That share against everyone's (2.0: twice as often)."
    )
    sentiment = serializers.FloatField(
        allow_null=True,
        help_text="The segment's mean sentiment on this topic; null when fewer than k members "
        "wrote about it.",
    )
    customers = serializers.IntegerField(
        required=False, help_text="Members who wrote about this topic."
    )


class TraitSerializer(serializers.Serializer):
    """A distinctive trait: the segment's mean against everyone's, as a standardised difference."""

    feature = serializers.CharField(help_text='Feature name: a behaviour column, "topic:<n>" …')
    label = serializers.CharField()
    segment_mean = serializers.FloatField(allow_null=True)
    population_mean = serializers.FloatField(allow_null=True)
    effect_size = serializers.FloatField(
        allow_null=True, help_text="Standardised mean difference (segment − everyone), signed."
    )
    direction = serializers.ChoiceField(choices=("higher", "lower"))


class RuleConditionSerializer(serializers.Serializer):
    """One condition of a rule."""

    feature = serializers.CharField()
    label = serializers.CharField()
    op = serializers.ChoiceField(choices=("<=", ">"))
    threshold = serializers.FloatField()
    text = serializers.CharField()


class RuleSerializer(serializers.Serializer):
    """A human-readable rule describing membership, with its fidelity."""

    text = serializers.CharField()
    conditions = RuleConditionSerializer(many=True)
    precision = serializers.FloatField(help_text="Share of customers matching it who are members.")
    coverage = serializers.FloatField(help_text="Share of the members it matches.")
    support = serializers.IntegerField(help_text="Customers matching it.")


class QuoteSerializer(serializers.Serializer):
    """A representative document of the segment (redacted text)."""

    document = serializers.IntegerField(help_text="The document's id, as in /documents/.")
    text = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)
    kind = serializers.CharField(help_text="review | survey | social")


class SentimentMixSerializer(serializers.Serializer):
    """Share of the segment's documents per sentiment label."""

    positive = serializers.FloatField(required=False)
    neutral = serializers.FloatField(required=False)
    negative = serializers.FloatField(required=False)


class SegmentCountsSerializer(serializers.Serializer):
    """A segment's customers, each figure labelled (the same figures on pages and exports)."""

    fitted = serializers.IntegerField(
        help_text="Customers the run was fitted on who fell in this segment (= size)."
    )
    placed_after = serializers.IntegerField(
        allow_null=True,
        help_text="Customers placed in it after the run by its saved model (null in a private "
        "release).",
    )
    withdrawn = serializers.IntegerField(
        allow_null=True, help_text="Fitted customers who opted out or were erased since."
    )
    members = serializers.IntegerField(
        allow_null=True,
        help_text="Rows its member list and export hold now: fitted − withdrawn + placed_after.",
    )


class PersonaSummarySerializer(serializers.Serializer):
    """A segment as a short persona summary.

    A segment with fewer than k customers (k-anonymity) is listed with
    `small: true`, the name "Small segment (fewer than k)" and nothing else.
    """

    segment = serializers.IntegerField(source="number", help_text="The segment's id in paths.")
    name = serializers.CharField()
    small = serializers.BooleanField()
    size = serializers.IntegerField(
        allow_null=True,
        help_text="Customers the run was fitted on who fell in this segment (counts.fitted); "
        "its description, traits and topics are about them.",
    )
    share = serializers.FloatField(
        allow_null=True, help_text="Share of the customers the run was fitted on."
    )
    counts = SegmentCountsSerializer(
        allow_null=True,
        required=False,
        help_text="Fitted, placed after the run, withdrawn since and members now; null for a "
        "small segment.",
    )
    description = serializers.CharField(required=False)
    top_topics = PersonaTopicSerializer(many=True, required=False, help_text="At most three.")
    sentiment = serializers.FloatField(allow_null=True, required=False)
    sentiment_mix = SentimentMixSerializer(required=False)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.get("small"):  # nothing but the listing
            return {key: data[key] for key in ("segment", "name", "small", "size", "share")}
        return data


class PersonaSerializer(PersonaSummarySerializer):
    """A full persona: who they are, what they talk about, how they behave and how to spot them.

    `quotes` and `representative_customers` are given only to roles that may
    read documents; otherwise they are empty and `quotes_hidden` is true.
    """

    documents = serializers.IntegerField(allow_null=True, required=False)
    top_topics = PersonaTopicSerializer(many=True, help_text="Every supported topic, by lift.")
    traits = TraitSerializer(many=True, help_text="Strongest first.")
    rules = RuleSerializer(many=True, help_text="Rules covering at least k members.")
    quotes = QuoteSerializer(many=True)
    quotes_hidden = serializers.BooleanField()
    representative_customers = serializers.ListField(
        child=serializers.CharField(), help_text="Pseudonyms of members nearest the centre."
    )


class CompareTraitSerializer(serializers.Serializer):
    """One feature in both segments."""

    feature = serializers.CharField()
    label = serializers.CharField()
    a = serializers.FloatField(allow_null=True)
    b = serializers.FloatField(allow_null=True)
    population = serializers.FloatField(allow_null=True)
    difference = serializers.FloatField(allow_null=True, help_text="a − b")


class CompareTopicSerializer(serializers.Serializer):
    """One topic in both segments."""

    topic = serializers.IntegerField()
    label = serializers.CharField()
    a_share = serializers.FloatField()
    b_share = serializers.FloatField()
    a_sentiment = serializers.FloatField(allow_null=True)
    b_sentiment = serializers.FloatField(allow_null=True)


class CompareSentimentSerializer(serializers.Serializer):
    """Overall sentiment of both segments."""

    a = serializers.FloatField(allow_null=True)
    b = serializers.FloatField(allow_null=True)


class CompareRulesSerializer(serializers.Serializer):
    """Rules of both segments."""

    a = RuleSerializer(many=True)
    b = RuleSerializer(many=True)


class ComparisonSerializer(serializers.Serializer):
    """Two segments side by side."""

    a = PersonaSerializer()
    b = PersonaSerializer()
    traits = CompareTraitSerializer(many=True, help_text="Most different first.")
    topics = CompareTopicSerializer(many=True)
    sentiment = CompareSentimentSerializer()
    rules = CompareRulesSerializer()


class CompareQuerySerializer(serializers.Serializer):
    """?a=N&b=M: two different segments of the run."""

    a = serializers.IntegerField(min_value=0, help_text="First segment.")
    b = serializers.IntegerField(min_value=0, help_text="Second segment.")

    def validate(self, attrs):
        if attrs["a"] == attrs["b"]:
            raise serializers.ValidationError({"b": ["Choose two different segments."]})
        return attrs


class MemberQuerySerializer(serializers.Serializer):
    """Filters of member lists and exports."""

    min_probability = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
    max_probability = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
    outlier = serializers.BooleanField(required=False, allow_null=True, default=None)
    soft = serializers.BooleanField(required=False, default=False)
    segment = serializers.IntegerField(required=False, min_value=0)
    format = serializers.ChoiceField(choices=("csv", "json"), required=False)

    def validate(self, attrs):
        low, high = attrs.get("min_probability"), attrs.get("max_probability")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"min_probability": ["min_probability is above max_probability."]}
            )
        return attrs


class MembershipSerializer(serializers.Serializer):
    """A customer's place in a run (pseudonymous id only).

    `segment` is null for an outlier (and for a member of a segment below k
    in run-wide lists, which leave those customers out); `soft_segment` is an
    outlier's most probable segment.
    """

    customer = serializers.CharField(source="customer.pseudonym")
    segment = serializers.SerializerMethodField()
    segment_name = serializers.SerializerMethodField()
    probability = serializers.FloatField()
    outlier = serializers.BooleanField()
    soft_segment = serializers.SerializerMethodField()
    soft_probability = serializers.FloatField(allow_null=True)
    assigned_after_fit = serializers.BooleanField(
        help_text="Placed by the saved model after the fit (no map position)."
    )

    def _hidden(self, segment) -> bool:
        return segment is None or segment.number in self.context.get("small", set())

    def get_segment(self, membership) -> int | None:
        return None if self._hidden(membership.segment) else membership.segment.number

    def get_segment_name(self, membership) -> str:
        return "" if self._hidden(membership.segment) else membership.segment.name

    def get_soft_segment(self, membership) -> int | None:
        soft = membership.soft_segment
        return None if membership.segment is not None or self._hidden(soft) else soft.number


class MemberRowSerializer(serializers.Serializer):
    """A row of a members export: customer, segment, segment_name, probability, outlier,
    assigned_after_fit."""

    customer = serializers.CharField()
    segment = serializers.IntegerField()
    segment_name = serializers.CharField()
    probability = serializers.FloatField()
    outlier = serializers.BooleanField()
    assigned_after_fit = serializers.BooleanField(
        help_text="Placed after the run by its saved model (false: one of the fitted customers)."
    )


class SegmentRefSerializer(serializers.Serializer):
    """A segment named in a customer's memberships or explanation."""

    number = serializers.IntegerField()
    name = serializers.CharField()
    small = serializers.BooleanField()


class SoftSegmentRefSerializer(SegmentRefSerializer):
    """An outlier's most probable segment."""

    probability = serializers.FloatField(allow_null=True)


class CustomerMembershipSerializer(serializers.Serializer):
    """The customer's place in one successful run."""

    run = serializers.IntegerField()
    run_finished_at = serializers.DateTimeField(allow_null=True)
    segment = SegmentRefSerializer(allow_null=True)
    probability = serializers.FloatField()
    outlier = serializers.BooleanField()
    soft_segment = SoftSegmentRefSerializer(allow_null=True)
    assigned_after_fit = serializers.BooleanField()


class PullSerializer(serializers.Serializer):
    """A feature pulling the customer towards (or away from) their segment."""

    feature = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="The customer's value.")
    segment_mean = serializers.FloatField(allow_null=True)
    population_mean = serializers.FloatField(allow_null=True)
    toward = serializers.BooleanField(help_text="Nearer the segment's mean than everyone's.")
    score = serializers.FloatField(help_text="How strongly, in population standard deviations.")


class CustomerTopicSerializer(serializers.Serializer):
    """What the customer writes about: their documents per topic and mean sentiment."""

    topic = serializers.IntegerField(help_text="-1: no clear topic.")
    label = serializers.CharField()
    documents = serializers.IntegerField()
    sentiment = serializers.FloatField(allow_null=True)


class ExplanationSerializer(serializers.Serializer):
    """Why a customer is in their segment in one run."""

    customer = serializers.CharField()
    run = serializers.IntegerField()
    segment = SegmentRefSerializer(allow_null=True, help_text="Null for an outlier.")
    probability = serializers.FloatField()
    outlier = serializers.BooleanField()
    soft_segment = SoftSegmentRefSerializer(allow_null=True)
    assigned_after_fit = serializers.BooleanField()
    pulls = PullSerializer(many=True, help_text="Strongest pull first.")
    rule = RuleSerializer(allow_null=True, help_text="The segment's first rule the customer meets.")
    topics = CustomerTopicSerializer(many=True)
    representative_customers = serializers.ListField(child=serializers.CharField())
