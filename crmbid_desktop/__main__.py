"""`python -m crmbid_desktop`."""

import sys

from crmbid_desktop.app import main

sys.exit(main())
