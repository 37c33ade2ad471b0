"""Users and roles. A role is a Django group; what each role may do is decided here."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

ADMIN, ANALYST, PRODUCT_MANAGER, INTEGRATION = "admin", "analyst", "product_manager", "integration"
PRIVACY_OFFICER = "privacy_officer"
ROLES = (ADMIN, ANALYST, PRODUCT_MANAGER, INTEGRATION, PRIVACY_OFFICER)

# Who may do what. Product managers read segments, personas and aggregates, never
# individual customers, member lists or texts; integrations push files and pull
# runs, segments, memberships and exports (of a customer: the pseudonym and
# memberships only); only analysts and admins see a customer's profile
# (behaviour, attributes, sensitive values, activity) and why they are in a segment.
CAPABILITIES: dict[str, frozenset[str]] = {
    "import_data": frozenset({ADMIN, ANALYST, INTEGRATION}),
    "view_imports": frozenset({ADMIN, ANALYST, INTEGRATION, PRODUCT_MANAGER}),
    "view_customers": frozenset({ADMIN, ANALYST, INTEGRATION}),
    "view_customer_profiles": frozenset({ADMIN, ANALYST}),
    "view_documents": frozenset({ADMIN, ANALYST}),
    # Runs (list, status, metrics, topics, the chat's aggregates): also privacy officers, who
    # pick the run of a bias audit or a private release and follow the privacy centre's links.
    "view_runs": frozenset({ADMIN, ANALYST, INTEGRATION, PRODUCT_MANAGER, PRIVACY_OFFICER}),
    "start_runs": frozenset({ADMIN, ANALYST}),
    "view_members": frozenset({ADMIN, ANALYST, INTEGRATION}),
    "export_members": frozenset({ADMIN, ANALYST, INTEGRATION}),
    "view_personas": frozenset({ADMIN, ANALYST, INTEGRATION, PRODUCT_MANAGER}),
    "explain_customers": frozenset({ADMIN, ANALYST}),
    "view_audit_log": frozenset({ADMIN, PRIVACY_OFFICER}),
    # The privacy centre: consent, access/erasure/rectification requests, retention.
    "manage_privacy": frozenset({ADMIN, PRIVACY_OFFICER}),
    # Recording consent decisions: also integrations (a CRM pushing opt-outs).
    "record_consent": frozenset({ADMIN, PRIVACY_OFFICER, INTEGRATION}),
    # Bias audits are k-anonymous aggregates.
    "view_bias_audit": frozenset({ADMIN, ANALYST, PRODUCT_MANAGER, PRIVACY_OFFICER}),
    # Differentially private releases of a run's aggregates, and budgets.
    "release_private": frozenset({ADMIN, ANALYST, INTEGRATION, PRIVACY_OFFICER}),
    "manage_budgets": frozenset({ADMIN, PRIVACY_OFFICER}),
}


class RoleError(ValueError):
    """An unknown role was asked for."""


class PasswordRejected(ValueError):
    """A password the validators refuse; the message lists every reason."""


def _validate_password(password: str, user) -> None:
    """Django's password validators (AUTH_PASSWORD_VALIDATORS) for `user`; PasswordRejected."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise PasswordRejected("Password refused: " + " ".join(exc.messages)) from None


def roles_of(user) -> set[str]:
    """The roles a user holds; superusers hold every role."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return set(ROLES)
    cached = getattr(user, "_voxseg_roles", None)  # one query per request's user object
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._voxseg_roles = cached
    return set(cached)


def can(user, capability: str) -> bool:
    """Whether `user` may use `capability` (a key of CAPABILITIES)."""
    return bool(roles_of(user) & CAPABILITIES[capability])


@transaction.atomic
def add_user(
    *,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    check_password: bool = True,
):
    """Create or update a user with exactly one role; return the user.

    A password must pass the deployment's validators (AUTH_PASSWORD_VALIDATORS:
    not like the username or email, long enough, not common, not all digits),
    else PasswordRejected and nothing is changed. `check_password=False` is for
    the demo's published login and test fixtures only.
    """
    if role not in ROLES:
        raise RoleError(f"Unknown role {role!r}; roles are: {', '.join(ROLES)}.")
    user_model = get_user_model()
    if password and check_password:
        _validate_password(password, user_model(username=username, email=email))
    user, _ = user_model.objects.get_or_create(username=username, defaults={"email": email})
    if password:
        user.set_password(password)
    elif not user.has_usable_password():
        user.set_unusable_password()
    user.is_staff = role == ADMIN
    user.save()
    groups = [Group.objects.get_or_create(name=name)[0] for name in ROLES]
    user.groups.remove(*groups)
    user.groups.add(Group.objects.get(name=role))
    user.__dict__.pop("_voxseg_roles", None)
    return user
