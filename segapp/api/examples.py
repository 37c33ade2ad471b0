"""Examples shown in the OpenAPI schema and the interactive docs, one or more per endpoint."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

PSEUDONYM = "3f9a1c0e5b7d4a2f8e6c1b0a9d8f7e6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e"

RUN_PARAMETER = OpenApiParameter(
    "run",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="A run id, or `latest` for the newest successful run.",
    examples=[OpenApiExample("Latest", value="latest"), OpenApiExample("By id", value="12")],
)
SEGMENT_PARAMETER = OpenApiParameter(
    "segment",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The segment's number within the run (0, 1, …).",
)
PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="A page number within the results."),
    OpenApiParameter(
        "page_size", OpenApiTypes.INT, description="Results per page (default 100, at most 1000)."
    ),
]
MEMBER_FILTERS = [
    OpenApiParameter(
        "min_probability",
        OpenApiTypes.FLOAT,
        description="Only memberships at least this probable (0–1).",
    ),
    OpenApiParameter(
        "max_probability",
        OpenApiTypes.FLOAT,
        description="Only memberships at most this probable (0–1).",
    ),
    OpenApiParameter(
        "outlier", OpenApiTypes.BOOL, description="true: only outliers; false: no outliers."
    ),
    OpenApiParameter(
        "soft",
        OpenApiTypes.BOOL,
        description="Also count outliers whose most probable segment this is.",
    ),
]
EXPORT_FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["csv", "json"],
    description="Export every member (matching the filters) as a file for activation, "
    "instead of a page: needs the export_members right and is written to the audit log.",
)

RUN = {
    "id": 12,
    "status": "succeeded",
    "stage": "done",
    "stage_progress": {"embed": 1.0, "analyse": 1.0},
    "parameters": {"seed": 42, "min_cluster_size": 25},
    "model_versions": {"embedder": "all-MiniLM-L6-v2"},
    "timings": {"embed": 12.4, "topics": 8.1},
    "metrics": {"dbcv": 0.41, "silhouette": 0.22, "stability": 0.87},
    "sentiment": {"scorer": "vader"},
    "notes": [],
    "error_message": "",
    "n_customers": 13500,
    "n_documents": 50000,
    "n_segments": 6,
    "outlier_share": 0.08,
    "source": "api",
    "created_by": "bob",
    "created_at": "2026-03-01T12:00:00Z",
    "started_at": "2026-03-01T12:00:01Z",
    "finished_at": "2026-03-01T12:04:40Z",
    "duration_seconds": 279.0,
    "reused_from": None,
    "input_fingerprint": "9c1f…",
}
RUN_EXAMPLE = OpenApiExample("A finished run", value=RUN, response_only=True)
# Examples of paginated lists show one item: drf-spectacular wraps it in the page envelope.
RUN_LIST_EXAMPLE = OpenApiExample("A run in the list", value=RUN, response_only=True)
RUN_ACCEPTED_EXAMPLE = OpenApiExample(
    "A queued run",
    value={**RUN, "status": "queued", "finished_at": None, "duration_seconds": None},
    response_only=True,
    status_codes=["202"],
)
RUN_CREATE_EXAMPLE = OpenApiExample(
    "Start a run with a larger minimum segment",
    value={"parameters": {"min_cluster_size": 40, "seed": 7}},
    request_only=True,
)

TOPIC_ROW = {
    "topic": 3,
    "label": "packaging and refills",
    "share": 0.31,
    "lift": 2.4,
    "sentiment": 0.42,
    "customers": 210,
}
SUMMARY = {
    "segment": 0,
    "name": "Eco-minded bargain hunters",
    "small": False,
    "size": 2430,
    "share": 0.18,
    "counts": {"fitted": 2430, "placed_after": 312, "withdrawn": 4, "members": 2738},
    "description": "About 18% of customers. They talk about packaging and refills far more "
    "than others (2.4x), use coupons often and are mostly positive (+0.41).",
    "top_topics": [TOPIC_ROW],
    "sentiment": 0.41,
    "sentiment_mix": {"positive": 0.62, "neutral": 0.28, "negative": 0.1},
}
SMALL = {"segment": 5, "name": "Small segment (fewer than 10)", "small": True, "size": None,
         "share": None}  # fmt: skip
RULE = {
    "text": "coupon share > 0.5 and writes about packaging and refills",
    "conditions": [
        {
            "feature": "coupon_share",
            "label": "Coupon share",
            "op": ">",
            "threshold": 0.5,
            "text": "coupon share > 0.5",
        }
    ],
    "precision": 0.84,
    "coverage": 0.61,
    "support": 1760,
}
TRAIT = {
    "feature": "coupon_share",
    "label": "Coupon share",
    "segment_mean": 0.62,
    "population_mean": 0.21,
    "effect_size": 1.35,
    "direction": "higher",
}
PERSONA = {
    **SUMMARY,
    "documents": 9120,
    "traits": [TRAIT],
    "rules": [RULE],
    "quotes": [
        {
            "document": 1042,
            "text": "Love the refill pouches, less plastic and cheaper with the coupon.",
            "created_at": "2026-01-14T09:30:00Z",
            "kind": "review",
        }
    ],
    "quotes_hidden": False,
    "representative_customers": [PSEUDONYM],
}
SEGMENT_LIST_EXAMPLE = OpenApiExample(
    "Personas of a run", value=[SUMMARY, SMALL], response_only=True
)
PERSONA_EXAMPLE = OpenApiExample("A persona (analyst)", value=PERSONA, response_only=True)
PERSONA_HIDDEN_EXAMPLE = OpenApiExample(
    "A persona (product manager: no quotes)",
    value={**PERSONA, "quotes": [], "quotes_hidden": True, "representative_customers": []},
    response_only=True,
)
COMPARE_EXAMPLE = OpenApiExample(
    "Two segments side by side",
    value={
        "a": PERSONA,
        "b": {**PERSONA, "segment": 1, "name": "Big spenders"},
        "traits": [
            {
                "feature": "spend_12m",
                "label": "Spend (12 months)",
                "a": 120.0,
                "b": 410.0,
                "population": 210.0,
                "difference": -290.0,
            }
        ],
        "topics": [
            {
                "topic": 3,
                "label": "packaging and refills",
                "a_share": 0.31,
                "b_share": 0.05,
                "a_sentiment": 0.42,
                "b_sentiment": None,
            }
        ],
        "sentiment": {"a": 0.41, "b": -0.05},
        "rules": {"a": [RULE], "b": []},
    },
    response_only=True,
)
MEMBERSHIP = {
    "customer": PSEUDONYM,
    "segment": 0,
    "segment_name": "Eco-minded bargain hunters",
    "probability": 0.93,
    "outlier": False,
    "soft_segment": None,
    "soft_probability": None,
    "assigned_after_fit": False,
}
MEMBERS_EXAMPLE = OpenApiExample("A member", value=MEMBERSHIP, response_only=True)
EXPORT_CSV_EXAMPLE = OpenApiExample(
    "CSV export (?format=csv)",
    value="customer,segment,segment_name,probability,outlier,assigned_after_fit\n"
    f"{PSEUDONYM},0,Eco-minded bargain hunters,0.93,false,false\n",
    response_only=True,
    media_type="text/csv",
)

EXPLANATION = {
    "customer": PSEUDONYM,
    "run": 12,
    "segment": {"number": 0, "name": "Eco-minded bargain hunters", "small": False},
    "probability": 0.93,
    "outlier": False,
    "soft_segment": None,
    "assigned_after_fit": False,
    "pulls": [
        {
            "feature": "coupon_share",
            "label": "Coupon share",
            "value": 0.7,
            "segment_mean": 0.62,
            "population_mean": 0.21,
            "toward": True,
            "score": 2.1,
        }
    ],
    "rule": RULE,
    "topics": [{"topic": 3, "label": "packaging and refills", "documents": 4, "sentiment": 0.55}],
    "representative_customers": [PSEUDONYM],
}
CUSTOMER = {
    "pseudonym": PSEUDONYM,
    "behaviour": {"spend_12m": 140.0, "coupon_share": 0.7},
    "event_features": {"recency_days": 12.0},
    "attributes": {"plan": "basic"},
    "sensitive": {"age": "34"},
    "segmentation_consent": True,
    "consent_updated_at": None,
    "documents": 5,
    "events": 18,
    "created_at": "2026-01-02T10:00:00Z",
    "updated_at": "2026-01-02T10:00:00Z",
}
CUSTOMER_DETAIL_EXAMPLE = OpenApiExample(
    "A customer with memberships and explanation (analyst)",
    value={
        **CUSTOMER,
        "memberships": [
            {
                "run": 12,
                "run_finished_at": "2026-03-01T12:04:40Z",
                "segment": {"number": 0, "name": "Eco-minded bargain hunters", "small": False},
                "probability": 0.93,
                "outlier": False,
                "soft_segment": None,
                "assigned_after_fit": False,
            }
        ],
        "explanation": EXPLANATION,
        "explanation_hidden": False,
    },
    response_only=True,
)
CUSTOMER_LIST_EXAMPLE = OpenApiExample("A customer in the list", value=CUSTOMER, response_only=True)
DOCUMENT = {
    "id": 1042,
    "customer": PSEUDONYM,
    "kind": "review",
    "channel": "web",
    "created_at": "2026-01-14T09:30:00Z",
    "rating": 5.0,
    "text": "Love the refill pouches. Call me on [PHONE].",
    "truncated": False,
    "original_length": 52,
    "redactions": {"PHONE": 1},
    "metadata": {"store": "north"},
    "import_job": 3,
    "imported_at": "2026-01-15T08:00:00Z",
}
DOCUMENT_EXAMPLE = OpenApiExample("A redacted document", value=DOCUMENT, response_only=True)
DOCUMENT_LIST_EXAMPLE = OpenApiExample("A document in the list", value=DOCUMENT, response_only=True)
CUSTOMER_EXAMPLE = OpenApiExample("A customer", value=CUSTOMER, response_only=True)

IMPORT_JOB = {
    "id": 3,
    "type": "documents",
    "status": "succeeded",
    "progress": 1.0,
    "counts": {
        "read": 50000,
        "imported": 49850,
        "updated": 0,
        "duplicates": 120,
        "rejected": 30,
        "warnings": 4,
    },
    "source": "api",
    "original_filename": "reviews.csv",
    "file_size": 7340032,
    "file_sha256": "5e88…",
    "file_format": "csv",
    "encoding": "utf-8",
    "delimiter": ",",
    "options": {},
    "column_mapping": {"customer_id": "customer_id", "text": "review_body"},
    "column_roles": {"review_body": "text"},
    "redaction_counts": {"EMAIL": 12},
    "error_message": "",
    "created_by": "dave",
    "created_at": "2026-01-15T08:00:00Z",
    "started_at": "2026-01-15T08:00:01Z",
    "finished_at": "2026-01-15T08:01:10Z",
    "duration_seconds": 69.0,
    "report_url": "https://voxseg.example/api/v1/imports/3/report/",
    "retry_of": None,
    "upload_kept_until": None,
}
IMPORT_JOB_EXAMPLE = OpenApiExample("An import job", value=IMPORT_JOB, response_only=True)
IMPORT_LIST_EXAMPLE = OpenApiExample(
    "An import job in the list", value=IMPORT_JOB, response_only=True
)
IMPORT_ACCEPTED_EXAMPLE = OpenApiExample(
    "A queued import job",
    value={**IMPORT_JOB, "status": "queued", "progress": 0.0, "finished_at": None},
    response_only=True,
    status_codes=["202"],
)
IMPORT_RETRY_REQUEST_EXAMPLE = OpenApiExample(
    "Name the customer id column",
    value={"map": {"customer_id": "member_ref", "column:comment": "text"}},
    request_only=True,
)
IMPORT_RETRY_EXAMPLE = OpenApiExample(
    "The new job, queued on the failed job's file",
    value={
        **IMPORT_JOB,
        "id": 4,
        "status": "queued",
        "progress": 0.0,
        "started_at": None,
        "finished_at": None,
        "duration_seconds": None,
        "options": {"mapping": {"customer_id": "member_ref", "column:comment": "text"}},
        "report_url": "https://voxseg.example/api/v1/imports/4/report/",
        "retry_of": 3,
    },
    response_only=True,
    status_codes=["202"],
)
IMPORT_PREVIEW_EXAMPLE = OpenApiExample(
    "An orders file uploaded as documents",
    value={
        "file_format": "CSV, comma-separated, UTF-8",
        "file_type": "documents",
        "suggested_type": "events",
        "suggestion": "Several rows per customer (3.2 on average) and a date column: this "
        "looks like events or orders. Import as events?",
        "columns": [
            {
                "name": "customer",
                "role": "customer_id",
                "field": "customer_id",
                "reason": "name: a customer identifier",
                "samples": ["C10…", "C11…"],
                "confident": True,
            },
            {
                "name": "order_date",
                "role": "created_at",
                "field": "created_at",
                "reason": "name and values: dates (ISO)",
                "samples": ["2025-03-01", "2025-03-04"],
                "confident": True,
            },
            {
                "name": "email",
                "role": "drop",
                "field": None,
                "reason": "name: an e-mail address: a direct identifier, never stored",
                "samples": ["[not shown]"],
                "confident": True,
            },
        ],
        "rows": [{"customer": "C10…", "order_date": "2025-03-01", "email": "[not shown]"}],
        "rows_per_customer": 3.2,
        "problems": ["No text column found in this documents file."],
        "roles": [
            "customer_id",
            "text",
            "created_at",
            "rating",
            "kind",
            "channel",
            "sensitive",
            "drop",
            "consent",
            "opt_out",
            "metadata",
        ],
    },
    response_only=True,
)
ISSUES_EXAMPLE = OpenApiExample(
    "A row-level issue",
    value={"row": 17, "column": "rating", "severity": "error", "reason": "'five' is not a number"},
    response_only=True,
)
REPORT_EXAMPLE = OpenApiExample(
    "The report as CSV",
    value="row,column,severity,reason\n17,rating,error,'five' is not a number\n",
    response_only=True,
    media_type="text/csv",
)
TOPIC = {
    "topic": 3,
    "label": "packaging and refills",
    "keywords": ["packaging", "refill", "plastic"],
    "size": 4210,
    "share": 0.084,
    "sentiment": 0.21,
    "aspect_sentiment": 0.18,
    "parent_number": None,
    "children": [],
    "segments": [
        {
            "segment": 0,
            "name": "Eco-minded bargain hunters",
            "share": 0.31,
            "lift": 2.4,
            "sentiment": 0.42,
        }
    ],
    "representative_documents": [],
    "representative_documents_hidden": True,
}
TOPIC_EXAMPLE = OpenApiExample("A topic", value=TOPIC, response_only=True)
TOPIC_LIST_EXAMPLE = OpenApiExample("Topics of a run", value=[TOPIC], response_only=True)
