from screening_app.cli import main

main()
