from askcases.app.cli import main

main()
