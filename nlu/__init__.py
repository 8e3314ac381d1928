"""The assistant's NLU: training data, domain, held-out tests and custom Rasa components."""
