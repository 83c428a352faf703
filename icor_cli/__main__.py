from icor_cli.main import main

main()
