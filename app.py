"""Run SPCP Live: ``python app.py`` (the same as ``spcp serve``)."""
from spcp.cli import main

if __name__ in {'__main__', '__mp_main__'}:
    main(['serve'])
