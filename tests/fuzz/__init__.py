"""The fuzz tests: mutated maps through every stage, and the hostile inputs found so far."""
