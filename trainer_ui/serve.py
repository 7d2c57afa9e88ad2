"""Start the panel: `python -m trainer_ui.serve [streamlit options]`.

The same as `streamlit run trainer_ui/app.py`, except that the standards, the scenarios and the chart
libraries are loaded first, in this process and before any request: a first page then takes a fraction
of a second instead of the seconds spaCy needs to load (and no page imports them while another thread does).
"""

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


def main():
    sys.path.insert(0, str(APP.parent.parent))
    from trainer_ui import ui

    ui.warm_up()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
