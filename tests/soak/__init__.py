"""The 90-second soak inside the suite (`make soak` runs the long one)."""
