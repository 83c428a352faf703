from icor_cli.cli import main

main()
