"""``python -m spcp`` runs the command line (e.g. ``python -m spcp serve``)."""
from spcp.cli import main

main()
