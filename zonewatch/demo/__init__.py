"""The offline demo: a static mirror of every registry source, served on 127.0.0.1."""
from zonewatch.demo.site import build_mirror, find_seeds_dir

__all__ = ["build_mirror", "find_seeds_dir"]
