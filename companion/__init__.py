"""cryptowatch companion: a Textual app that manages a cryptowatch server over its admin API."""
