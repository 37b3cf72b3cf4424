"""Stage Studio: design, understand and shrink multi-stage Docker builds."""

__version__ = "0.1.0"
APP_NAME = "Stage Studio"
# The folder its settings and data go in (Qt's organization name). It used to be
# APP_NAME too, so every path said "Stage Studio/Stage Studio"; ui/files.py moves them.
ORG_NAME = "stage-studio"
APP_ID = "io.github.stagestudio.StageStudio"
