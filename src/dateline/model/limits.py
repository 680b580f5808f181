"""How long each text field of an article may be: one table for parsers and the schema."""

MAX_HEADLINE = 300
MAX_DECK = 600
MAX_DATELINE = 120
MAX_CREDIT_LINE = 1000
MAX_NAME = 200
MAX_URL = 2000
MAX_SLUG = 100
