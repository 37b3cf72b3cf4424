"""Stage Studio: design, understand and shrink multi-stage Docker builds."""

__version__ = "0.1.0"
APP_NAME = "Stage Studio"
APP_ID = "io.github.stagestudio.StageStudio"
