"""Allow `python -m voice_helper`."""

from voice_helper.cli import main

raise SystemExit(main())
