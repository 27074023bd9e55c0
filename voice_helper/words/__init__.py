"""Words: text normalisation, spoken numbers and sound keys; a leaf that every layer may use."""
