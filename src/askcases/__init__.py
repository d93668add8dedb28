"""askcases: answers about NHS case studies with cited passages."""
