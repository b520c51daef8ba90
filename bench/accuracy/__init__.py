"""`python -m bench.accuracy`: the product's activity detection measured on the real CLIs."""
