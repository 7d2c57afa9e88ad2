"""The Rasa bot: the input channel, the custom actions, and starting the servers."""
