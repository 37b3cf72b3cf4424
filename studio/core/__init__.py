"""Pure-Python heart of Stage Studio: the lossless Dockerfile model, stage graph and edits. No Qt."""
from studio.core.model import *  # noqa: F401,F403
