"""Stage 4, the trace → text: formulas through one printer per format, the catalogue of
words (``messages``), frame captions, the narrative, the backward pass as code, JSON and the
Beamer file."""

from .captions import step_caption
from .export import trace_json
from .formulas import Formula, chain_rule, to_latex, to_unicode
from .listing import backward_listing
from .narrative import narrative

__all__ = ["Formula", "chain_rule", "to_unicode", "to_latex", "step_caption", "narrative",
           "backward_listing", "trace_json"]
