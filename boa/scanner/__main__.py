import sys

from boa.scanner.cli import main

sys.exit(main())
