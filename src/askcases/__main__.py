from askcases.cli import main

main()
