"""One module per screen. Each screen is built once, renders a view model with a Translator,
forwards taps as intents and forgets the view's contents when it is left."""
