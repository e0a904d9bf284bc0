"""`python -m crmdsl`: the command line."""

from crmdsl.cli import main

main()
