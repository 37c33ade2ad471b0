"""Selectors: read-side queries shared by the web pages, the API and (later) the chat."""
