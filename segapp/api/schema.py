"""OpenAPI schema hooks: the answers every endpoint can give, described once."""

from __future__ import annotations

COMMON_ERRORS = {
    "401": "Not authenticated: no or an invalid token or session (the error shape).",
    "429": "Too many requests for your rate; retry after the time given (the error shape).",
}


def add_common_errors(result: dict, generator, request, public) -> dict:
    """Document 401 and 429 in the error shape on every operation that lacks them."""
    reference = {"$ref": "#/components/schemas/Error"}
    if "Error" not in result.get("components", {}).get("schemas", {}):
        return result
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in COMMON_ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
