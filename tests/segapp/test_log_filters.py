"""Request logs never keep a customer's pseudonym."""

from __future__ import annotations

import logging

from segapp.log_filters import PSEUDONYM_MASK, mask_pseudonyms

PSEUDONYM = "3f" * 32


def test_a_pseudonym_in_a_url_is_masked_in_either_case():
    line = f"GET /customers/{PSEUDONYM}/ and /api/v1/customers/{PSEUDONYM.upper()}/"
    masked = mask_pseudonyms(line)
    assert PSEUDONYM not in masked.lower()
    assert masked.count(PSEUDONYM_MASK) == 2


def test_longer_hex_runs_and_short_ids_are_left_alone():
    sha512 = "ab" * 64
    assert mask_pseudonyms(f"digest {sha512} order 123456") == f"digest {sha512} order 123456"


def test_the_request_logger_writes_no_pseudonym(caplog):
    """django.server's request line goes through the masking handler of the settings."""
    from django.conf import settings

    handler_filters = settings.LOGGING["handlers"]["console"]["filters"]
    assert "mask_pseudonyms" in handler_filters
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    logger = logging.getLogger("django.server")
    console = next(h for h in logger.handlers if isinstance(h, logging.StreamHandler))
    collect = Collect()
    for flt in console.filters:
        collect.addFilter(flt)
    logger.addHandler(collect)
    try:
        logger.info('"%s" %s %s', f"GET /customers/{PSEUDONYM}/ HTTP/1.1", 200, 512)
    finally:
        logger.removeHandler(collect)
    assert records and PSEUDONYM not in records[0] and PSEUDONYM_MASK in records[0]
