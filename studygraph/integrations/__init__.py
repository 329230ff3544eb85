"""Adapters of `studygraph.Library` to other frameworks; each needs its own extra (`pip install studygraph[langchain]`)."""
