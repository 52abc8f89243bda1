"""digitize: turn a picture of a heatmap into the numbers behind it."""
from .api import digitize
from .config import DigitizeConfig
from .errors import DigitizeError, ExitCode
from .model import NOTEBOOK_VIEW, Digitization, Heatmap
from .report.notebook import html_view

NOTEBOOK_VIEW[:] = [html_view]  # results show as their overlay and tables in a notebook

__all__ = ["digitize", "DigitizeConfig", "Digitization", "Heatmap", "DigitizeError", "ExitCode"]
__version__ = "0.1.0"
