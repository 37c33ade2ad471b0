"""The chat: plain-English questions about a run's segments, answered from the selectors.

`engine.ask` is the one entry point (web page, API and the `ask` command). It
understands a question with `nlp.chat` (intent and entities against the run's
vocabulary), runs the plan's tool calls (`tools`: read-side selectors only,
role and k-anonymity checks inside), composes the answer from their results
(`compose`) and checks that every figure and quote in it came from them
(`grounding`). An optional OpenAI-compatible backend (`llm`) may choose the tools
and phrase the answer; it is grounded the same way and falls back to the local
answer when it fails.
"""
