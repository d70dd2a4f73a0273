"""GS1 data core: AI table, check digits, element strings, parsing, Digital Link, pharma rules."""
