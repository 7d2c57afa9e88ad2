"""Start the panel: `python -m trainer_ui.serve [streamlit options]` (the Procfile's `panel`).

The same as `streamlit run trainer_ui/app.py` with the product's safe options, except that the standards,
the scenarios and the chart libraries are loaded first, in this process and before any request: a first
page then takes a fraction of a second instead of the seconds spaCy needs to load.

The panel listens on COACH_BIND (127.0.0.1) port COACH_PANEL_PORT (8501), sends no usage statistics,
never shows a traceback in the browser (the pages explain errors in words; the details go to the log),
and accepts uploads of at most 5 MB. Options given on the command line come last and win.
"""

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
SAFE_FLAGS = ("--server.headless", "true", "--browser.gatherUsageStats", "false",
              "--server.fileWatcherType", "none", "--client.showErrorDetails", "none",
              "--client.toolbarMode", "minimal", "--server.maxUploadSize", "5",
              "--server.enableXsrfProtection", "true")


def warm_up():
    """Build the standards and scenarios and load the chart libraries now, before the panel takes requests, so
    nobody's first page waits seconds for spaCy."""
    import altair  # noqa: F401
    import pandas  # noqa: F401

    from coach import resources

    resources.warm_up()


def main():
    sys.path.insert(0, str(APP.parent.parent))
    from coach import settings

    settings.private_files()
    warm_up()
    from streamlit.web import cli

    config = settings.current()
    sys.argv = ["streamlit", "run", str(APP), "--server.address", config.bind,
                "--server.port", str(config.panel_port), *SAFE_FLAGS, *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
