"""`python -m readq` runs the command line."""

from readq.cli import main

if __name__ == "__main__":
    main()
