"""The pumping log: how much each session gave, questions about it, the picture and the CSV."""
