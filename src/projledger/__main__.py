from projledger.cli.main import run

run()
