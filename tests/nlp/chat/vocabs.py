"""Hand-built vocabularies of three made-up businesses (none of them the demo's)."""

from __future__ import annotations

from nlp.chat import MeasureTerm, SegmentTerm, TopicTerm, Vocabulary


def _behaviour(*keys: tuple[str, str]) -> list[MeasureTerm]:
    return [MeasureTerm(key, label, "behaviour") for key, label in keys]


def bank() -> Vocabulary:
    """A retail bank: savers, borrowers, app-first youngsters."""
    segments = [
        SegmentTerm(
            0,
            "Mobile-minded frequent visitors",
            "About 31% of customers. They talk about app and login (2.1x) more than "
            "other customers. Compared with all customers they have higher app logins (30 days).",
            ["app · login · crash · update", "transfer · instant · payment"],
            ["higher app logins (30 days)"],
        ),
        SegmentTerm(
            1,
            "Mortgage-minded big spenders",
            "About 24% of customers. They talk about mortgage and rate (3.0x) more than "
            "other customers. Compared with all customers they have higher card spend (12 months).",
            ["mortgage · rate · remortgage · broker", "fees · charges · overdraft"],
            ["higher card spend (12 months)", "higher balance"],
        ),
        SegmentTerm(
            2,
            "Branch-minded long-standing customers",
            "About 18% of customers. They talk about branch and closure (2.5x). "
            "Compared with all customers they have higher tenure (years).",
            ["branch · closure · staff · queue"],
            ["higher tenure (years)"],
        ),
        SegmentTerm(
            3,
            "Fraud-minded critical customers",
            "About 15% of customers. They talk about fraud and scam (4.0x). "
            "Their tone is mostly negative (-0.41).",
            ["fraud · scam · card · blocked"],
            ["lower mean sentiment"],
        ),
        SegmentTerm(
            4,
            "Savings-minded light spenders",
            "About 12% of customers. They talk about savings and interest (2.2x). "
            "Compared with all customers they have lower card spend (12 months).",
            ["savings · interest · isa · rate"],
            ["lower card spend (12 months)"],
        ),
        SegmentTerm(5, "Small segment (fewer than 10)"),
    ]
    topics = [
        TopicTerm(0, "app · login · crash · update", ["app", "login", "crash", "update"]),
        TopicTerm(1, "mortgage · rate · remortgage · broker", ["mortgage", "rate", "broker"]),
        TopicTerm(2, "fees · charges · overdraft · penalty", ["fees", "charges", "overdraft"]),
        TopicTerm(3, "branch · closure · staff · queue", ["branch", "closure", "staff", "queue"]),
        TopicTerm(4, "fraud · scam · card · blocked", ["fraud", "scam", "card", "blocked"]),
        TopicTerm(5, "savings · interest · isa · rate", ["savings", "interest", "isa"]),
        TopicTerm(6, "customer service · phone · wait · call", ["phone", "wait", "call"]),
    ]
    measures = _behaviour(
        ("card_spend_12m", "Card spend (12 months)"),
        ("balance_gbp", "Balance gbp"),
        ("app_logins_30d", "App logins (30 days)"),
        ("tenure_years", "Tenure years"),
        ("products_held", "Products held"),
        ("days_since_last_txn", "Days since last txn"),
    )
    return Vocabulary(segments, topics, measures)


def travel() -> Vocabulary:
    """A travel company: beach families, city breakers, luxury cruisers."""
    segments = [
        SegmentTerm(
            0,
            "Beach-minded frequent buyers",
            "About 35% of customers. They talk about beach and pool (2.4x). Compared with "
            "all customers they have higher bookings (12 months).",
            ["beach · pool · kids · resort"],
            ["higher bookings (12 months)"],
        ),
        SegmentTerm(
            1,
            "City-minded occasional buyers",
            "About 25% of customers. They talk about city and museum (2.0x).",
            ["city · museum · hotel · walking"],
            ["lower bookings (12 months)"],
        ),
        SegmentTerm(
            2,
            "Cruise-minded big spenders",
            "About 20% of customers. They talk about cruise and cabin (3.1x). Compared "
            "with all customers they have higher booking value.",
            ["cruise · cabin · ship · excursion"],
            ["higher booking value"],
        ),
        SegmentTerm(
            3,
            "Refund-minded frequent returners",
            "About 12% of customers. They talk about refund and cancellation (3.5x). Their "
            "tone is mostly negative (-0.35).",
            ["refund · cancellation · delay · compensation"],
            ["higher cancellation rate"],
        ),
        SegmentTerm(
            4,
            "Adventure-minded customers",
            "About 8% of customers. They talk about hiking and trek (4.2x).",
            ["hiking · trek · mountain · guide"],
            [],
        ),
    ]
    topics = [
        TopicTerm(0, "beach · pool · kids · resort"),
        TopicTerm(1, "city · museum · hotel · walking"),
        TopicTerm(2, "cruise · cabin · ship · excursion"),
        TopicTerm(3, "refund · cancellation · delay · compensation"),
        TopicTerm(4, "hiking · trek · mountain · guide"),
        TopicTerm(5, "flight · airport · luggage · baggage"),
        TopicTerm(6, "price · expensive · deal · cheap"),
    ]
    measures = _behaviour(
        ("bookings_12m", "Bookings (12 months)"),
        ("booking_value", "Booking value"),
        ("nights_booked", "Nights booked"),
        ("cancellation_rate", "Cancellation rate"),
        ("days_since_last_booking", "Days since last booking"),
        ("age", "Age"),
    )
    return Vocabulary(segments, topics, measures)


def grocery() -> Vocabulary:
    """A grocery chain: organic fans, deal seekers, big weekly shops."""
    segments = [
        SegmentTerm(
            0,
            "Organic-minded big-basket shoppers",
            "About 22% of customers. They talk about organic and vegan (3.0x). Compared "
            "with all customers they have higher average basket.",
            ["organic · vegan · plastic · local"],
            ["higher average basket"],
        ),
        SegmentTerm(
            1,
            "Voucher-minded coupon users",
            "About 30% of customers. They talk about voucher and offer (2.8x). Compared "
            "with all customers they have higher coupon redemptions.",
            ["voucher · offer · discount · price"],
            ["higher coupon redemptions"],
        ),
        SegmentTerm(
            2,
            "Delivery-minded frequent buyers",
            "About 28% of customers. They talk about delivery and slot (2.5x). Compared "
            "with all customers they have higher weekly orders.",
            ["delivery · slot · driver · late"],
            ["higher weekly orders"],
        ),
        SegmentTerm(
            3,
            "Lapsed customers talking about freshness",
            "About 20% of customers. They talk about fresh and mouldy (2.1x). Compared "
            "with all customers they have higher days since last shop.",
            ["fresh · mouldy · fruit · quality"],
            ["higher days since last shop"],
        ),
    ]
    topics = [
        TopicTerm(0, "organic · vegan · plastic · local"),
        TopicTerm(1, "voucher · offer · discount · price"),
        TopicTerm(2, "delivery · slot · driver · late"),
        TopicTerm(3, "fresh · mouldy · fruit · quality"),
        TopicTerm(4, "checkout · queue · self-service · till"),
        TopicTerm(5, "staff · friendly · helpful · rude"),
    ]
    measures = _behaviour(
        ("weekly_orders", "Weekly orders"),
        ("avg_basket_value", "Average basket value"),
        ("total_spend", "Total spend"),
        ("coupon_redemptions", "Coupon redemptions"),
        ("days_since_last_shop", "Days since last shop"),
        ("return_share", "Return share"),
    )
    return Vocabulary(segments, topics, measures)
