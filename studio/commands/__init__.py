"""Headless subcommands of stage-studio, one module each."""
