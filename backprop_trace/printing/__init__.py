"""Stage 5, descriptions → text: one printer per format (unicode, LaTeX, code) over the step
descriptions, the catalogue of words (``messages``), and the writers built on them — frame
captions, the narrative, the backward pass as code, JSON, the Beamer file and the gradient
check's report."""

from .captions import step_caption
from .code import to_code
from .export import trace_json
from .formulas import Formula, chain_rule
from .latex import to_latex
from .listing import backward_listing
from .narrative import narrative
from .unicode import to_unicode

__all__ = ["Formula", "chain_rule", "to_unicode", "to_latex", "to_code", "step_caption",
           "narrative", "backward_listing", "trace_json"]
