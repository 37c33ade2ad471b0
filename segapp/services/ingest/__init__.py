"""Ingestion: reading customer files, mapping their columns, validating rows, writing them.

`readers`, `columns` and `rows` are pure Python (no database); `writers` and
`service` own the database side. Every door (UI, API, CLI) goes through
`service.create_import_job` and `service.run_import_job`.
"""
