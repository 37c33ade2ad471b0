"""VoxSeg's data model, one module per aggregate."""

from segapp.models.audit import AuditAction, AuditEvent
from segapp.models.chat import ChatMessage, Conversation
from segapp.models.customers import Customer
from segapp.models.documents import Document, DocumentKind
from segapp.models.events import Event
from segapp.models.imports import ImportFileType, ImportJob, ImportRowIssue, ImportStatus
from segapp.models.placement import (
    PlacementPass,
    RunPopulations,
    UnplacedCustomer,
    UnplacedReason,
)
from segapp.models.privacy import (
    BiasAudit,
    ConsentEvent,
    PrivacyBudget,
    PrivacyRelease,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
    SuppressedIdentity,
    TokenPrivacyPolicy,
)
from segapp.models.runs import (
    DocumentResult,
    Embedding,
    Membership,
    RunStatus,
    Segment,
    SegmentationRun,
    Topic,
)
from segapp.models.sensitive import SensitiveName

__all__ = [
    "BiasAudit",
    "ConsentEvent",
    "PrivacyBudget",
    "PrivacyRelease",
    "PrivacyRequest",
    "RequestKind",
    "RequestStatus",
    "SuppressedIdentity",
    "TokenPrivacyPolicy",
    "AuditAction",
    "AuditEvent",
    "ChatMessage",
    "Conversation",
    "Customer",
    "DocumentResult",
    "Embedding",
    "Membership",
    "PlacementPass",
    "RunPopulations",
    "RunStatus",
    "Segment",
    "SegmentationRun",
    "SensitiveName",
    "Topic",
    "UnplacedCustomer",
    "UnplacedReason",
    "Document",
    "DocumentKind",
    "Event",
    "ImportFileType",
    "ImportJob",
    "ImportRowIssue",
    "ImportStatus",
]
