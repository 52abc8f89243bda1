"""digitize: turn a picture of a heatmap into the numbers behind it."""
from .api import digitize
from .config import DigitizeConfig
from .errors import DigitizeError, ExitCode
from .model import Digitization, Heatmap

__all__ = ["digitize", "DigitizeConfig", "Digitization", "Heatmap", "DigitizeError", "ExitCode"]
__version__ = "0.1.0"
