"""Suite-wide test settings: hypothesis runs derandomized under CI so a green run is reproducible."""
import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
